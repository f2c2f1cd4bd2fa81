using System.Text;
using ConcertBooking.Contracts;
using ConcertBooking.Messaging.Consumers;

namespace ConcertBooking.DataPlatform.Archive;

/// <summary>
/// One event as the data platform received it, kept once per event id: the audit trail of seed 5.2 and the source
/// of truth for point-in-time answers and rebuilds. Payload is the record's value as it was on the wire.
/// </summary>
public sealed class ArchivedEvent
{
    /// <summary>Arrival order at the platform.</summary>
    public long Sequence { get; private set; }

    public required Guid EventId { get; init; }

    public required string Topic { get; init; }

    /// <summary>-1 when the event did not come from a Kafka record (a catch-up from the outbox).</summary>
    public required int Partition { get; init; }

    public required long Offset { get; init; }

    public string? Key { get; init; }

    public required string EventType { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string Payload { get; init; }

    public required DateTimeOffset ArchivedAt { get; init; }

    /// <summary>Copied out of the payload so that the archive can answer per concert. Payments carry no concert:
    /// they are found through <see cref="ReservationId"/>.</summary>
    public long? ConcertId { get; init; }

    public long? ReservationId { get; init; }

    public static ArchivedEvent From(ConsumedEvent consumed, DateTimeOffset archivedAt)
    {
        var @event = consumed.Event;
        return new ArchivedEvent
        {
            EventId = @event.EventId,
            Topic = consumed.Topic,
            Partition = consumed.Partition,
            Offset = consumed.Offset,
            Key = consumed.Key,
            EventType = @event.EventType,
            OccurredAt = @event.OccurredAt.ToUniversalTime(),
            Payload = consumed.Value.IsEmpty ? EventSerializer.Serialize(@event) : Encoding.UTF8.GetString(consumed.Value.Span),
            ArchivedAt = archivedAt,
            ConcertId = @event switch
            {
                ReservationCreated e => e.ConcertId,
                ReservationCancelled e => e.ConcertId,
                ReservationExpired e => e.ConcertId,
                ConcertSoldOut e => e.ConcertId,
                QueueJoined e => e.ConcertId,
                FanAdmitted e => e.ConcertId,
                QueueClosed e => e.ConcertId,
                _ => null,
            },
            ReservationId = @event switch
            {
                ReservationCreated e => e.ReservationId,
                ReservationCancelled e => e.ReservationId,
                ReservationExpired e => e.ReservationId,
                PaymentCompleted e => e.ReservationId,
                _ => null,
            },
        };
    }

    /// <summary>The event again, as a consumer would have received it; for replays out of the archive. The payload is
    /// kept as it arrived, so an event archived at an older schema version is upcast here.</summary>
    public ConsumedEvent ToConsumedEvent(UpcastDefaults upcast)
    {
        var value = Encoding.UTF8.GetBytes(Payload);
        return new ConsumedEvent(EventSerializer.Deserialize(value, upcast), Topic, Partition, Offset, Key) { Value = value };
    }
}
