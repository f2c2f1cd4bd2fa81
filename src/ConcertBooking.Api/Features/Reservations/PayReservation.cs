using ConcertBooking.Domain.Common;
using ConcertBooking.Domain.Payments;
using ConcertBooking.Domain.Reservations;
using ConcertBooking.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Api.Features.Reservations;

/// <summary>
/// Pays a held reservation from the points balance: debits the balance, confirms the reservation, sells the seat
/// and, for the concert's last seat, marks it sold out, all in one transaction with their events.
/// </summary>
public sealed class PayReservation(BookingDbContext db, TimeProvider clock)
{
    public Task<PaymentDto> ExecuteAsync(long userId, long reservationId, PaymentMethod method, CancellationToken cancellationToken) =>
        db.InTransactionAsync(
            async ct =>
            {
                var now = clock.GetUtcNow();
                var reservation = await db.FindForOwnerAsync(reservationId, userId, ct);

                reservation.EnsureHeld(now);
                var seat = await db.Seats.FirstAsync(s => s.Id == reservation.SeatId, ct);

                // One conditional update: concurrent payments from one balance serialize on the user row and each
                // re-checks the balance it finds, so it can never go below zero.
                var debited = await db.Users
                    .Where(u => u.Id == userId && u.Balance >= reservation.Amount)
                    .ExecuteUpdateAsync(u => u.SetProperty(x => x.Balance, x => x.Balance - reservation.Amount), ct);
                if (debited == 0)
                {
                    var balance = await db.Users.Where(u => u.Id == userId).Select(u => u.Balance).FirstAsync(ct);
                    throw BookingErrors.InsufficientBalance(balance, reservation.Amount);
                }

                var payment = Payment.Pay(reservation, seat, method, now);
                db.Payments.Add(payment);
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException ex) when (ex is DbUpdateConcurrencyException || ex.IsUniqueViolation())
                {
                    // Paid, cancelled or expired by someone else between our read and our write.
                    throw BookingErrors.ReservationNotHeld(reservationId, "no longer HELD");
                }

                await db.Concerts
                    .Where(c => c.Id == reservation.ConcertId)
                    .ExecuteUpdateAsync(c => c.SetProperty(x => x.SoldSeats, x => x.SoldSeats + 1), ct);

                // Read after our increment: under the row lock it holds, exactly one payment sees the last seat sold.
                var concert = await db.Concerts.FirstAsync(c => c.Id == reservation.ConcertId, ct);
                concert.MarkSoldOutIfFull(now);
                await db.SaveChangesAsync(ct);

                return new PaymentDto(payment.Id, reservation.Id, payment.Amount, payment.Method, payment.Status, payment.PaidAt);
            },
            cancellationToken);
}
