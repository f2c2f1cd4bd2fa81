using ConcertBooking.Contracts;

namespace ConcertBooking.Notifications.Persistence;

/// <summary>
/// What this service knows of one reservation, from either of its two events. PAYMENT_COMPLETED carries neither the
/// fan's email nor the concert, and topics are not ordered relative to each other, so either event may create the
/// row; the receipt goes out once both halves are in, whichever came first, and only if the payment matches the
/// reservation as <see cref="PaymentCrossCheck"/> requires: a receipt is an email to a fan, which cannot be taken
/// back. The nullable columns are null on rows recorded before they existed.
/// </summary>
public sealed class ReservationProjection
{
    public required long ReservationId { get; init; }

    public long UserId { get; private set; }

    public string? Email { get; private set; }

    public long? ConcertId { get; private set; }

    public string? ConcertName { get; private set; }

    public long? SeatId { get; private set; }

    public long? HeldUserId { get; private set; }

    public long? HeldAmount { get; private set; }

    /// <summary>The reservation was cancelled or expired.</summary>
    public bool? Ended { get; private set; }

    public long? PaidUserId { get; private set; }

    public Guid? PaymentEventId { get; private set; }

    public long? PaymentId { get; private set; }

    public long? PaidAmount { get; private set; }

    public string? PaymentMethod { get; private set; }

    public DateTimeOffset? PaidAt { get; private set; }

    public bool ReceiptIssued { get; private set; }

    public bool ReceiptDue => Email is not null && PaymentEventId is not null && !ReceiptIssued && PaymentParkedBecause is null;

    /// <summary>Why the payment gets no receipt; null when it does, or when there is none.</summary>
    public string? PaymentParkedBecause => PaymentEventId is null
        ? null
        : PaymentCrossCheck.ParkedBecause(
            new PaymentCrossCheck.Reservation(Email is not null, HeldUserId, HeldAmount, Ended == true),
            PaidUserId ?? UserId,
            PaidAmount ?? 0);

    public void RecordHold(ReservationCreated created)
    {
        UserId = created.UserId;
        Email = created.UserEmail;
        ConcertId = created.ConcertId;
        ConcertName = created.ConcertName;
        SeatId = created.SeatId;
        HeldUserId = created.UserId;
        HeldAmount = created.Amount;
    }

    public void RecordEnd() => Ended = true;

    public void RecordPayment(PaymentCompleted paid)
    {
        if (Email is null)
        {
            UserId = paid.UserId;
        }

        PaidUserId = paid.UserId;
        PaymentEventId = paid.EventId;
        PaymentId = paid.PaymentId;
        PaidAmount = paid.Amount;
        PaymentMethod = paid.PaymentMethod;
        PaidAt = paid.OccurredAt;
    }

    public void MarkReceiptIssued() => ReceiptIssued = true;
}
