using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ConcertBooking.Contracts;

/// <summary>
/// Every event type's schema version. A version changes when a reader of the previous one would misread the event:
/// a field removed, renamed, retyped, made required or given another meaning. Adding a field a reader may ignore is
/// not a new version, since readers ignore fields they do not know. A consumer reads the current version of each
/// event and the one before (turned into the current shape by that type's upcaster), so a producer one release
/// behind is understood; a version newer than it knows, or older than the one before, is refused with a reason.
/// </summary>
public static class EventSchemas
{
    /// <summary>The envelope field and the record header that carry the version. An event without it is version 1
    /// (events written before versions were recorded).</summary>
    public const string VersionPropertyName = "schemaVersion";

    public static IReadOnlyList<EventSchema> All { get; } =
    [
        new(EventTypes.ReservationCreated, typeof(ReservationCreated), Current: 2, Upcasters.ReservationCreatedFromV1),
        new(EventTypes.ReservationCancelled, typeof(ReservationCancelled), Current: 1),
        new(EventTypes.ReservationExpired, typeof(ReservationExpired), Current: 1),
        new(EventTypes.PaymentCompleted, typeof(PaymentCompleted), Current: 1),
        new(EventTypes.ConcertSoldOut, typeof(ConcertSoldOut), Current: 1),
        new(EventTypes.QueueJoined, typeof(QueueJoined), Current: 1),
        new(EventTypes.FanAdmitted, typeof(FanAdmitted), Current: 1),
        new(EventTypes.QueueClosed, typeof(QueueClosed), Current: 1),
    ];

    private static readonly FrozenDictionary<string, EventSchema> ByType = All.ToFrozenDictionary(s => s.EventType, StringComparer.Ordinal);

    private static readonly FrozenDictionary<Type, EventSchema> ByClrType = All.ToFrozenDictionary(s => s.ClrType);

    public static EventSchema? Find(string eventType) => ByType.GetValueOrDefault(eventType);

    public static EventSchema Of(Type eventClass) =>
        ByClrType.GetValueOrDefault(eventClass) ?? throw new InvalidOperationException($"{eventClass.Name} has no schema.");

    /// <summary>
    /// The top-level <c>eventType</c> and <c>schemaVersion</c> of an event's JSON, without decoding the rest; stops as
    /// soon as both are found (the serializer writes them first). Throws <see cref="JsonException"/> on malformed JSON
    /// or a version that is not a whole number.
    /// </summary>
    public static (string? EventType, int? Version) Peek(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return (null, null);
        }

        (string? type, int? version) = (null, null);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName && (type is null || version is null))
        {
            if (reader.ValueTextEquals(IntegrationEvent.EventTypePropertyName))
            {
                reader.Read();
                type = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals(VersionPropertyName))
            {
                reader.Read();
                version = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var number)
                    ? number
                    : throw new JsonException($"{VersionPropertyName} is not a whole number.");
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return (type, version);
    }
}

/// <summary>One event type's schema: its current version and, when there was an earlier one, how an event of the
/// previous version becomes one of the current version.</summary>
public sealed record EventSchema(string EventType, Type ClrType, int Current, Func<JsonObject, UpcastDefaults, JsonObject>? UpcastPrevious = null)
{
    /// <summary>The oldest version this release reads.</summary>
    public int Oldest => UpcastPrevious is null ? Current : Current - 1;

    /// <summary>null when this release reads <paramref name="version"/>; otherwise why not, in one sentence.</summary>
    public string? Refusal(int version) =>
        version > Current ? $"{EventType} schema version {version} is newer than this consumer reads ({Range}): upgrade the consumer, then replay its dead letters."
        : version < Oldest ? $"{EventType} schema version {version} is older than this consumer reads ({Range})."
        : null;

    private string Range => Oldest == Current ? $"version {Current}" : $"versions {Oldest} to {Current}";
}

/// <summary>What an upcaster assumes about a field that producers of an older version did not write.</summary>
/// <param name="HoldDuration">How long the booking side holds a seat (<c>Booking:HoldDuration</c>): a version 1
/// RESERVATION_CREATED without <c>expiresAt</c> expires this long after it occurred.</param>
public sealed record UpcastDefaults(TimeSpan HoldDuration)
{
    /// <summary>The setting <see cref="HoldDuration"/> is read from: the booking side's own.</summary>
    public const string HoldDurationKey = "Booking:HoldDuration";

    /// <summary>The booking side's defaults.</summary>
    public static UpcastDefaults Standard { get; } = new(TimeSpan.FromMinutes(5));
}

/// <summary>Each one turns an event of the version before into the current shape, on its JSON.</summary>
internal static class Upcasters
{
    /// <summary>Version 2 requires <c>expiresAt</c>; version 1 events of the earliest releases lack it, and their hold
    /// lasted the hold duration from <c>occurredAt</c>.</summary>
    public static JsonObject ReservationCreatedFromV1(JsonObject v1, UpcastDefaults defaults)
    {
        if (v1["expiresAt"] is null && v1["occurredAt"] is JsonValue occurred && occurred.TryGetValue(out DateTimeOffset occurredAt))
        {
            v1["expiresAt"] = occurredAt + defaults.HoldDuration;
        }

        return v1;
    }
}

/// <summary>An event of a schema version this release does not read: dead-lettered, never retried.</summary>
public sealed class EventVersionException(string message) : JsonException(message);
