namespace ConcertBooking.Contracts;

/// <summary>
/// Whether a read model may count a PAYMENT_COMPLETED, given what it has seen of the reservation's lifecycle. A
/// payment alone proves nothing to a consumer: anyone able to write to payment-events can claim one. The booking
/// core only pays a reservation it created for that fan at that price, and never one that was cancelled or
/// expired, so a payment counts only once its RESERVATION_CREATED has been seen with the same user and amount, and
/// no RESERVATION_CANCELLED or RESERVATION_EXPIRED has been. Until the reservation is seen the payment is parked
/// (topics are not ordered relative to each other, so it may simply be early); a payment that contradicts it stays
/// parked for good.
/// </summary>
public static class PaymentCrossCheck
{
    /// <summary>What a consumer knows of a reservation from its own topic.</summary>
    /// <param name="Seen">Its RESERVATION_CREATED was handled.</param>
    /// <param name="UserId">The fan it was created for; null on a row from before this was recorded.</param>
    /// <param name="Amount">The price it was created at; null on a row from before this was recorded.</param>
    /// <param name="Ended">It was cancelled or expired.</param>
    public readonly record struct Reservation(bool Seen, long? UserId, long? Amount, bool Ended);

    /// <summary>null when the payment counts; otherwise why it is parked.</summary>
    public static string? ParkedBecause(Reservation reservation, long paidUserId, long paidAmount) =>
        !reservation.Seen ? "its reservation has not been seen yet"
        : reservation.Ended ? "its reservation was cancelled or expired"
        : reservation.UserId is { } userId && userId != paidUserId ? $"it names user {paidUserId}, the reservation user {userId}"
        : reservation.Amount is { } amount && amount != paidAmount ? $"it pays {paidAmount}, the reservation costs {amount}"
        : null;
}
