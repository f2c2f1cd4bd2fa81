using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using ConcertBooking.Contracts;
using Confluent.Kafka;

namespace ConcertBooking.Messaging.Consumers;

internal enum DecodeOutcome
{
    Event,
    UnknownType,
    Poison,
}

internal readonly record struct Decoded(DecodeOutcome Outcome, ConsumedEvent? Event, string? EventType, Exception? Error);

/// <summary>
/// Tells three kinds of record apart: events we know; well-formed events of a type we do not know (a newer producer:
/// skipped and counted, not a failure); and records that are not events at all (poison: dead-lettered at once,
/// since retrying cannot make them readable).
/// </summary>
internal static class EventDecoder
{
    private static readonly string[] KnownTypes =
    [
        EventTypes.ReservationCreated,
        EventTypes.ReservationCancelled,
        EventTypes.ReservationExpired,
        EventTypes.PaymentCompleted,
        EventTypes.ConcertSoldOut,
        EventTypes.QueueJoined,
        EventTypes.FanAdmitted,
        EventTypes.QueueClosed,
    ];

    /// <summary>The event types consumers hand to handlers; any other is skipped and counted.</summary>
    public static IReadOnlyList<string> ConsumedTypes => KnownTypes;

    /// <summary>
    /// A record the relay published names its event in the <c>eventType</c> and <c>eventId</c> headers: that is all
    /// the runtime needs, and the value is decoded only when a handler reads the event (a value that turns out not
    /// to be that event is poison then). A record without those headers (kcat, another producer) is decoded here.
    /// <paramref name="topic"/> is the record's topic as the batch already holds it, so that the record's own copy
    /// of the name is not kept alive a thousand times over.
    /// </summary>
    /// <paramref name="reader"/> decodes and checks the value (see <see cref="EventReader"/>): a record that breaks
    /// the event's contract, or is of a schema version this release does not read, is poison too.
    public static Decoded Decode(ConsumeResult<string?, byte[]?> record, string topic, EventReader reader)
    {
        var value = record.Message.Value;
        if (value is null || value.Length == 0)
        {
            return new(DecodeOutcome.Poison, null, null, new JsonException("The record has no value."));
        }

        var headers = record.Message.Headers;
        if (headers is not null && IdentityOf(headers) is var (typeHeader, idHeader, relayTraceParent, versionHeader)
            && Utf8Parser.TryParse(idHeader, out Guid eventId, out var consumed, 'D') && consumed == idHeader.Length)
        {
            if (KnownType(typeHeader) is not { } known)
            {
                return new(DecodeOutcome.UnknownType, null, Encoding.UTF8.GetString(typeHeader), null);
            }

            // A version this release cannot read is refused before anything else: no handler could act on it.
            int? version = versionHeader is null ? null : SchemaVersionHeader.Decode(versionHeader);
            if (versionHeader is not null && version is null)
            {
                return new(DecodeOutcome.Poison, null, known, new EventVersionException($"The {KafkaHeaders.SchemaVersion} header is not a whole number."));
            }

            if (version is { } v && EventSchemas.Find(known)?.Refusal(v) is { } refusal)
            {
                return new(DecodeOutcome.Poison, null, known, new EventVersionException(refusal));
            }

            var (partition, offset, timestamp, key) = (record.Partition.Value, record.Offset.Value, record.Message.Timestamp.UnixTimestampMs, record.Message.Key);
            return new(DecodeOutcome.Event, relayTraceParent is not null
                ? ConsumedEvent.FromRelayHeaders(eventId, known, version, value, topic, partition, offset, timestamp, key, idHeader, relayTraceParent, reader)
                : ConsumedEvent.FromHeaders(eventId, known, version, value, topic, partition, offset, timestamp, key, headers, reader), known, null);
        }

        return DecodeValue(record, value, topic, reader);
    }

    /// <summary>The <c>eventType</c>, <c>eventId</c> and <c>schemaVersion</c> headers, and the <c>traceparent</c> when
    /// the record has exactly the relay's headers in the relay's order (the usual case, found without searching; the
    /// relay of releases before schema versions wrote the first three only).</summary>
    private static (byte[] Type, byte[] Id, byte[]? RelayTraceParent, byte[]? Version)? IdentityOf(Headers headers)
    {
        // A header may carry no value at all (null, not empty): such a record is not named by its headers.
        if (headers.Count is 3 or 4
            && headers[0].Key == KafkaHeaders.EventType
            && headers[1].Key == KafkaHeaders.EventId
            && headers[2].Key == KafkaHeaders.TraceParent
            && headers[0].GetValueBytes() is { } relayType
            && headers[1].GetValueBytes() is { } relayId
            && headers[2].GetValueBytes() is { } traceParent
            && (headers.Count == 3 || (headers[3].Key == KafkaHeaders.SchemaVersion && headers[3].GetValueBytes() is not null)))
        {
            return (relayType, relayId, traceParent, headers.Count == 4 ? headers[3].GetValueBytes() : null);
        }

        return headers.TryGetLastBytes(KafkaHeaders.EventType, out var type) && type is not null
            && headers.TryGetLastBytes(KafkaHeaders.EventId, out var id) && id is not null
                ? (type, id, null, headers.TryGetLastBytes(KafkaHeaders.SchemaVersion, out var version) ? version : null)
                : null;
    }

    private static string? KnownType(ReadOnlySpan<byte> utf8)
    {
        foreach (var type in KnownTypes)
        {
            if (Ascii.Equals(utf8, type))
            {
                return type;
            }
        }

        return null;
    }

    private static Decoded DecodeValue(ConsumeResult<string?, byte[]?> record, byte[] value, string topic, EventReader reader)
    {
        try
        {
            var @event = reader.Decode(value, out _);
            try
            {
                reader.Check(topic, @event);
            }
            catch (JsonException invalid)
            {
                return new(DecodeOutcome.Poison, null, @event.EventType, invalid);
            }

            return new(DecodeOutcome.Event,
                ConsumedEvent.FromValue(
                    @event, value, topic, record.Partition.Value, record.Offset.Value, record.Message.Timestamp.UnixTimestampMs, record.Message.Key,
                    record.Message.Headers),
                @event.EventType, null);
        }
        catch (JsonException ex)
        {
            // Including a schema version this release does not read: poison when the type is known, skipped like
            // any unknown type otherwise.
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

        return Array.IndexOf(KnownTypes, eventType) >= 0
            ? new(DecodeOutcome.Poison, null, eventType, deserializeError)
            : new(DecodeOutcome.UnknownType, null, eventType, null);
    }
}
