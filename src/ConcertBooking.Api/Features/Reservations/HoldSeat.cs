using ConcertBooking.Domain.Common;
using ConcertBooking.Domain.Concerts;
using ConcertBooking.Domain.Reservations;
using ConcertBooking.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Api.Features.Reservations;

/// <summary>
/// Holds a seat for the caller. The seat row's version makes the hold a conditional update and a partial unique
/// index admits one active reservation per seat, so two holds of one seat never both commit, on any number of
/// API processes.
/// </summary>
public sealed class HoldSeat(BookingDbContext db, TimeProvider clock, IOptions<BookingOptions> options)
{
    public Task<ReservationDto> ExecuteAsync(long userId, long concertId, long seatId, CancellationToken cancellationToken) =>
        db.InTransactionAsync(
            async ct =>
            {
                var now = clock.GetUtcNow();
                var concert = await db.Concerts.FirstOrDefaultAsync(c => c.Id == concertId, ct)
                    ?? throw BookingErrors.NotFound("Concert", concertId);
                var seat = await db.Seats.FirstOrDefaultAsync(s => s.Id == seatId && s.ConcertId == concertId, ct)
                    ?? throw BookingErrors.NotFound("Seat", seatId);
                var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct)
                    ?? throw BookingErrors.NotFound("User", userId);

                if (seat.Status == SeatStatus.Held && seat.StatusAt(now) == SeatStatus.Available)
                {
                    // The previous hold lapsed and the sweeper has not caught it yet: expire it in this transaction.
                    var lapsed = await db.Reservations
                        .Where(r => r.SeatId == seatId && r.Status == ReservationStatus.Held)
                        .ToListAsync(ct);
                    lapsed.ForEach(r => r.Expire(seat, now));
                }

                var reservation = Reservation.Hold(user, concert, seat, options.Value.HoldDuration, now);
                db.Reservations.Add(reservation);
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException ex) when (ex is DbUpdateConcurrencyException || ex.IsUniqueViolation())
                {
                    throw BookingErrors.SeatUnavailable(seatId);
                }

                return ReservationDto.From(reservation, now);
            },
            cancellationToken);
}
