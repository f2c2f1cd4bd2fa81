using System.Text.Json;
using ConcertBooking.Contracts;

namespace ConcertBooking.Messaging.Consumers;

internal enum DecodeOutcome
{
    Event,
    UnknownType,
    Poison,
}

internal readonly record struct Decoded(DecodeOutcome Outcome, IntegrationEvent? Event, string? EventType, Exception? Error);

/// <summary>
/// Tells three kinds of record apart: events we know; well-formed events of a type we do not know (a newer producer:
/// skipped and counted, not a failure); and records that are not events at all (poison: dead-lettered at once,
/// since retrying cannot make them readable).
/// </summary>
internal static class EventDecoder
{
    private static readonly HashSet<string> KnownTypes =
    [
        EventTypes.ReservationCreated,
        EventTypes.ReservationCancelled,
        EventTypes.ReservationExpired,
        EventTypes.PaymentCompleted,
        EventTypes.ConcertSoldOut,
    ];

    public static Decoded Decode(byte[]? value)
    {
        if (value is null || value.Length == 0)
        {
            return new(DecodeOutcome.Poison, null, null, new JsonException("The record has no value."));
        }

        try
        {
            // The common case in one pass; the failures are told apart below.
            var @event = EventSerializer.Deserialize(value);
            return new(DecodeOutcome.Event, @event, @event.EventType, null);
        }
        catch (JsonException ex)
        {
            return Classify(value, ex);
        }
    }

    private static Decoded Classify(byte[] value, JsonException deserializeError)
    {
        string? eventType;
        try
        {
            using var document = JsonDocument.Parse(value);
            eventType = document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(IntegrationEvent.EventTypePropertyName, out var property)
                && property.ValueKind == JsonValueKind.String
                    ? property.GetString()
                    : null;
        }
        catch (JsonException ex)
        {
            return new(DecodeOutcome.Poison, null, null, ex);
        }

        if (eventType is null)
        {
            return new(DecodeOutcome.Poison, null, null, new JsonException("The record has no eventType.", deserializeError));
        }

        return KnownTypes.Contains(eventType)
            ? new(DecodeOutcome.Poison, null, eventType, deserializeError)
            : new(DecodeOutcome.UnknownType, null, eventType, null);
    }
}
