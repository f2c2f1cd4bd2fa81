using ConcertBooking.Domain.Common;
using ConcertBooking.Domain.Concerts;
using ConcertBooking.Domain.Reservations;

namespace ConcertBooking.Domain.Payments;

public enum PaymentMethod
{
    Points,
}

public enum PaymentStatus
{
    Completed,
}

public sealed class Payment : Entity
{
    private Payment()
    {
    }

    private Payment(Reservation reservation, PaymentMethod method, DateTimeOffset now)
    {
        ReservationId = reservation.Id;
        UserId = reservation.UserId;
        Amount = reservation.Amount;
        Method = method;
        Status = PaymentStatus.Completed;
        PaidAt = now;
    }

    public long ReservationId { get; private set; }

    public long UserId { get; private set; }

    public long Amount { get; private set; }

    public PaymentMethod Method { get; private set; }

    public PaymentStatus Status { get; private set; }

    public DateTimeOffset PaidAt { get; private set; }

    /// <summary>Confirms the reservation and sells its seat. The balance itself is debited by the caller as one
    /// conditional update in the same transaction (see the payment use case).</summary>
    public static Payment Pay(Reservation reservation, Seat seat, PaymentMethod method, DateTimeOffset now)
    {
        reservation.Confirm(seat, now);
        var payment = new Payment(reservation, method, now);
        payment.Raise(new PaymentCompletedDomainEvent(payment, now));
        return payment;
    }
}

public sealed record PaymentCompletedDomainEvent(Payment Payment, DateTimeOffset OccurredAt) : IDomainEvent;
