using System.Text.Json;
using System.Text.Json.Nodes;
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

    /// <summary>The event at its type's current schema version.</summary>
    public static string Serialize(IntegrationEvent @event) => JsonSerializer.Serialize(@event, Options);

    public static byte[] SerializeToUtf8Bytes(IntegrationEvent @event) => JsonSerializer.SerializeToUtf8Bytes(@event, Options);

    /// <inheritdoc cref="Deserialize(ReadOnlySpan{byte}, UpcastDefaults, out int)"/>
    public static IntegrationEvent Deserialize(ReadOnlySpan<byte> utf8Json, UpcastDefaults defaults) => Deserialize(utf8Json, defaults, out _);

    /// <summary>
    /// Reads an event of its type's current schema version or the one before (upcast to the current shape with
    /// <paramref name="defaults"/>); unknown fields are ignored. <paramref name="schemaVersion"/> is the version the
    /// JSON was written at. Throws <see cref="JsonException"/> on malformed JSON, a missing field or an eventType we
    /// do not know, and <see cref="EventVersionException"/> on a version this release does not read.
    /// </summary>
    public static IntegrationEvent Deserialize(ReadOnlySpan<byte> utf8Json, UpcastDefaults defaults, out int schemaVersion)
    {
        var (eventType, version) = EventSchemas.Peek(utf8Json);
        schemaVersion = version ?? 1;
        var schema = eventType is null ? null : EventSchemas.Find(eventType);
        if (schema?.Refusal(schemaVersion) is { } refusal)
        {
            throw new EventVersionException(refusal);
        }

        try
        {
            return schema is null || schemaVersion == schema.Current
                ? JsonSerializer.Deserialize<IntegrationEvent>(utf8Json, Options) ?? throw new JsonException("The event is JSON null.")
                : Upcast(utf8Json, schema, defaults);
        }
        catch (NotSupportedException ex)
        {
            throw new JsonException("The event has no usable eventType.", ex);
        }
    }

    private static IntegrationEvent Upcast(ReadOnlySpan<byte> utf8Json, EventSchema schema, UpcastDefaults defaults)
    {
        var previous = JsonNode.Parse(utf8Json)!.AsObject();
        var current = schema.UpcastPrevious!(previous, defaults);
        current[EventSchemas.VersionPropertyName] = schema.Current;
        return current.Deserialize<IntegrationEvent>(Options)!;
    }
}
