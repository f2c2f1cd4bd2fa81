using ConcertBooking.Contracts;
using ConcertBooking.Domain.Common;
using ConcertBooking.Domain.Concerts;
using ConcertBooking.Domain.Payments;
using ConcertBooking.Domain.Reservations;

namespace ConcertBooking.Infrastructure.Persistence;

/// <summary>Turns domain events (which point at saved aggregates) into the wire events of ConcertBooking.Contracts.</summary>
internal static class DomainEventMapper
{
    public static IntegrationEvent ToIntegrationEvent(IDomainEvent domainEvent) => domainEvent switch
    {
        ReservationHeldDomainEvent e => new ReservationCreated(
            e.Reservation.Id, e.Reservation.UserId, e.Reservation.ConcertId, e.Reservation.SeatId,
            e.Reservation.Amount, e.UserEmail, e.ConcertName) { OccurredAt = e.OccurredAt, ExpiresAt = e.Reservation.ExpiresAt },
        ReservationCancelledDomainEvent e => new ReservationCancelled(
            e.Reservation.Id, e.Reservation.UserId, e.Reservation.ConcertId, e.Reservation.SeatId) { OccurredAt = e.OccurredAt },
        ReservationExpiredDomainEvent e => new ReservationExpired(
            e.Reservation.Id, e.Reservation.UserId, e.Reservation.ConcertId, e.Reservation.SeatId) { OccurredAt = e.OccurredAt },
        PaymentCompletedDomainEvent e => new PaymentCompleted(
            e.Payment.Id, e.Payment.ReservationId, e.Payment.UserId, e.Payment.Amount,
            e.Payment.Method.ToString().ToUpperInvariant()) { OccurredAt = e.OccurredAt },
        ConcertSoldOutDomainEvent e => new ConcertSoldOut(
            e.Concert.Id, e.Concert.Name, e.Concert.SoldOutAt ?? e.OccurredAt, e.Concert.BookingOpensAt, e.Concert.TotalSeats)
            { OccurredAt = e.OccurredAt },
        _ => throw new InvalidOperationException($"No integration event is defined for {domainEvent.GetType().Name}."),
    };
}
