using ConcertBooking.Contracts;

namespace ConcertBooking.DataPlatform.Analytics;

public enum ActivityStatus
{
    Held,
    Confirmed,
    Cancelled,
    Expired,
}

/// <summary>
/// What the platform knows of one reservation, from whichever of its events arrived so far. Any event creates the
/// row and each sets only its own facts, so the result is the same in every arrival order: a PAYMENT_COMPLETED
/// handled before its RESERVATION_CREATED is kept here until the concert it belongs to becomes known.
/// </summary>
public sealed class ReservationActivity
{
    public required long ReservationId { get; init; }

    /// <summary>Null while only the payment is known (it carries no concert).</summary>
    public long? ConcertId { get; private set; }

    public long UserId { get; private set; }

    /// <summary>When the seat was held (event time), once RESERVATION_CREATED is known.</summary>
    public DateTimeOffset? HeldAt { get; private set; }

    public DateTimeOffset? PaidAt { get; private set; }

    public long PaidAmount { get; private set; }

    public DateTimeOffset? CancelledAt { get; private set; }

    public DateTimeOffset? ExpiredAt { get; private set; }

    /// <summary>Stored so the per-concert figures are one GROUP BY; derived from the facts alone, never from the
    /// order they came in.</summary>
    public ActivityStatus Status { get; private set; }

    public static long? ReservationIdOf(IntegrationEvent @event) => @event switch
    {
        ReservationCreated e => e.ReservationId,
        ReservationCancelled e => e.ReservationId,
        ReservationExpired e => e.ReservationId,
        PaymentCompleted e => e.ReservationId,
        _ => null,
    };

    public void Apply(IntegrationEvent @event)
    {
        var at = EventTime.Normalize(@event.OccurredAt);
        switch (@event)
        {
            case ReservationCreated e:
                ConcertId = e.ConcertId;
                UserId = e.UserId;
                HeldAt = Earliest(HeldAt, at);
                break;
            case ReservationCancelled e:
                ConcertId = e.ConcertId;
                UserId = e.UserId;
                CancelledAt = Earliest(CancelledAt, at);
                break;
            case ReservationExpired e:
                ConcertId = e.ConcertId;
                UserId = e.UserId;
                ExpiredAt = Earliest(ExpiredAt, at);
                break;
            case PaymentCompleted e:
                UserId = e.UserId;
                if (PaidAt is null || at < PaidAt)
                {
                    PaidAt = at;
                    PaidAmount = e.Amount;
                }

                break;
        }

        // A paid reservation stays confirmed; the booking core never cancels or expires one, so the precedence only
        // matters for hand-made events, and then it keeps the outcome independent of arrival order.
        Status = PaidAt is not null ? ActivityStatus.Confirmed
            : CancelledAt is not null ? ActivityStatus.Cancelled
            : ExpiredAt is not null ? ActivityStatus.Expired
            : ActivityStatus.Held;
    }

    private static DateTimeOffset Earliest(DateTimeOffset? current, DateTimeOffset candidate) =>
        current is { } known && known <= candidate ? known : candidate;
}
