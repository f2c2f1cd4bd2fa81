using ConcertBooking.Api.Features.Queue;
using ConcertBooking.Domain.Common;
using ConcertBooking.Infrastructure.Persistence;
using ConcertBooking.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Api.Features.Reservations;

public sealed class CancelReservation(WriteTransactions<BookingDbContext> transactions, TimeProvider clock)
{
    public Task<bool> ExecuteAsync(long userId, long reservationId, CancellationToken cancellationToken) =>
        transactions.RunAsync(
            async (db, ct) =>
            {
                var now = clock.GetUtcNow();
                var reservation = await db.FindForOwnerAsync(reservationId, userId, ct);

                var seat = await db.Seats.FirstAsync(s => s.Id == reservation.SeatId, ct);
                reservation.Cancel(seat, now);
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateConcurrencyException)
                {
                    throw BookingErrors.ReservationNotHeld(reservationId, "no longer HELD");
                }

                await db.ReturnAsync(userId, reservation.ConcertId, ct);
                await db.FinishTurnAsync(reservation.ConcertId, userId, now, ct);

                return true;
            },
            cancellationToken);
}
