using ConcertBooking.Domain.Payments;
using ConcertBooking.Domain.Reservations;

namespace ConcertBooking.Api.Features.Reservations;

public sealed record HoldRequest(long? ConcertId, long? SeatId);

public sealed record PaymentRequest(PaymentMethod? Method);

public sealed record ReservationDto(
    long Id,
    long ConcertId,
    long SeatId,
    long UserId,
    long Amount,
    ReservationStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt)
{
    public static ReservationDto From(Reservation reservation, DateTimeOffset now) => new(
        reservation.Id,
        reservation.ConcertId,
        reservation.SeatId,
        reservation.UserId,
        reservation.Amount,
        reservation.StatusAt(now),
        reservation.CreatedAt,
        reservation.ExpiresAt);
}

public sealed record PaymentDto(
    long PaymentId,
    long ReservationId,
    long Amount,
    PaymentMethod Method,
    PaymentStatus Status,
    DateTimeOffset PaidAt);
