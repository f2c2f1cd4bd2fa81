using System.Text.Json.Serialization;

namespace ConcertBooking.Contracts;

/// <summary>
/// The envelope every event on the wire shares. The concrete type is carried in <c>eventType</c>,
/// written at the top level next to the event's own fields (seed section 7.2).
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = EventTypePropertyName, IgnoreUnrecognizedTypeDiscriminators = false)]
[JsonDerivedType(typeof(ReservationCreated), EventTypes.ReservationCreated)]
[JsonDerivedType(typeof(ReservationCancelled), EventTypes.ReservationCancelled)]
[JsonDerivedType(typeof(ReservationExpired), EventTypes.ReservationExpired)]
[JsonDerivedType(typeof(PaymentCompleted), EventTypes.PaymentCompleted)]
[JsonDerivedType(typeof(ConcertSoldOut), EventTypes.ConcertSoldOut)]
[JsonDerivedType(typeof(QueueJoined), EventTypes.QueueJoined)]
[JsonDerivedType(typeof(FanAdmitted), EventTypes.FanAdmitted)]
[JsonDerivedType(typeof(QueueClosed), EventTypes.QueueClosed)]
public abstract record IntegrationEvent
{
    public const string EventTypePropertyName = "eventType";

    /// <summary>The schema version this event is written at: always its type's current one (see
    /// <see cref="EventSchemas"/>); events of an older version are upcast when read. Written right after
    /// <c>eventType</c>, so a reader finds both without decoding the rest.</summary>
    [JsonPropertyName(EventSchemas.VersionPropertyName)]
    [JsonPropertyOrder(-3)]
    public int SchemaVersion => EventSchemas.Of(GetType()).Current;

    [JsonPropertyOrder(-2)]
    public Guid EventId { get; init; } = Guid.CreateVersion7();

    [JsonPropertyOrder(-1)]
    public DateTimeOffset OccurredAt { get; init; }

    [JsonIgnore]
    public string EventType => Route.EventType;

    /// <summary>The topic this event belongs on.</summary>
    [JsonIgnore]
    public string Topic => Route.Topic;

    /// <summary>The record key: one key per aggregate, so Kafka keeps each aggregate's events in order.</summary>
    [JsonIgnore]
    public string Key => Route.Key;

    /// <summary>Where the event goes. Not public, so the serializer never writes it.</summary>
    protected abstract EventRoute Route { get; }
}

public readonly record struct EventRoute(string EventType, string Topic, string Key);

public static class EventTypes
{
    public const string ReservationCreated = "RESERVATION_CREATED";
    public const string ReservationCancelled = "RESERVATION_CANCELLED";
    public const string ReservationExpired = "RESERVATION_EXPIRED";
    public const string PaymentCompleted = "PAYMENT_COMPLETED";
    public const string ConcertSoldOut = "CONCERT_SOLD_OUT";
    public const string QueueJoined = "QUEUE_JOINED";
    public const string FanAdmitted = "FAN_ADMITTED";
    public const string QueueClosed = "QUEUE_CLOSED";
}

public static class Topics
{
    public const string ReservationEvents = "reservation-events";
    public const string PaymentEvents = "payment-events";
    public const string ConcertEvents = "concert-events";

    public static readonly IReadOnlyList<string> All = [ReservationEvents, PaymentEvents, ConcertEvents];
}
