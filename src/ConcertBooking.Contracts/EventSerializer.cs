using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConcertBooking.Contracts;

/// <summary>The one JSON shape of events, shared by the outbox writer, the relay and every consumer.</summary>
public static class EventSerializer
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        // Other producers (kcat, a future service) need not put eventType first.
        AllowOutOfOrderMetadataProperties = true,

        // A record missing a field, or with null where the contract has none, is not an event we can act on.
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper) },
    };

    public static string Serialize(IntegrationEvent @event) => JsonSerializer.Serialize(@event, Options);

    public static byte[] SerializeToUtf8Bytes(IntegrationEvent @event) => JsonSerializer.SerializeToUtf8Bytes(@event, Options);

    /// <summary>Reads an event; unknown fields are ignored. Throws <see cref="JsonException"/> on malformed JSON,
    /// a missing field or an eventType we do not know.</summary>
    public static IntegrationEvent Deserialize(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            return JsonSerializer.Deserialize<IntegrationEvent>(utf8Json, Options)
                ?? throw new JsonException("The event is JSON null.");
        }
        catch (NotSupportedException ex)
        {
            throw new JsonException("The event has no usable eventType.", ex);
        }
    }
}
