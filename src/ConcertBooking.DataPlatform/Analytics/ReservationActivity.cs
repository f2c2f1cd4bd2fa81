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
/// handled before its RESERVATION_CREATED is kept here until the concert it belongs to becomes known. A payment
/// confirms the reservation only as <see cref="PaymentCrossCheck"/> allows; otherwise it is kept as a fact (paid
/// at, amount) but counts nowhere: not in the status, the revenue or the fan's spend.
/// </summary>
public sealed class ReservationActivity
{
    public required long ReservationId { get; init; }

    /// <summary>Null while only the payment is known (it carries no concert).</summary>
    public long? ConcertId { get; private set; }

    /// <summary>The fan of the reservation events, or of the payment while only the payment is known.</summary>
    public long UserId { get; private set; }

    /// <summary>The price the reservation was created at; null until RESERVATION_CREATED is known (or on a row
    /// recorded before the price was).</summary>
    public long? HeldAmount { get; private set; }

    /// <summary>The fan the payment names.</summary>
    public long? PaidUserId { get; private set; }

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
                HeldAmount = e.Amount;
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
                if (HeldAt is null && CancelledAt is null && ExpiredAt is null)
                {
                    UserId = e.UserId;
                }

                if (PaidAt is null || at < PaidAt)
                {
                    PaidAt = at;
                    PaidAmount = e.Amount;
                    PaidUserId = e.UserId;
                }

                break;
        }

        // Derived from the facts alone, so the outcome is the same in every arrival order. The booking core never
        // pays a cancelled or expired reservation, so when both are seen it is the payment that is not believed.
        Status = PaymentCounts ? ActivityStatus.Confirmed
            : CancelledAt is not null ? ActivityStatus.Cancelled
            : ExpiredAt is not null ? ActivityStatus.Expired
            : ActivityStatus.Held;
    }

    /// <summary>Why the payment does not confirm the reservation; null when it does or there is none.</summary>
    public string? PaymentParkedBecause => PaidAt is null
        ? null
        : PaymentCrossCheck.ParkedBecause(
            new PaymentCrossCheck.Reservation(HeldAt is not null, HeldAt is null ? null : UserId, HeldAmount, CancelledAt is not null || ExpiredAt is not null),
            PaidUserId ?? UserId,
            PaidAmount);

    private bool PaymentCounts => PaidAt is not null && PaymentParkedBecause is null;

    private static DateTimeOffset Earliest(DateTimeOffset? current, DateTimeOffset candidate) =>
        current is { } known && known <= candidate ? known : candidate;
}
