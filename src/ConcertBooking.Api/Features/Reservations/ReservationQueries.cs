using ConcertBooking.Domain.Common;
using ConcertBooking.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Api.Features.Reservations;

public sealed class ReservationQueries(BookingDbContext db, TimeProvider clock)
{
    public async Task<ReservationDto> GetAsync(long reservationId, long callerId, bool callerIsAdmin, CancellationToken cancellationToken)
    {
        var reservation = await db.Reservations.AsNoTracking().FirstOrDefaultAsync(r => r.Id == reservationId, cancellationToken)
            ?? throw BookingErrors.NotFound("Reservation", reservationId);
        if (reservation.UserId != callerId && !callerIsAdmin)
        {
            throw BookingErrors.Forbidden($"Reservation {reservationId} belongs to another fan.");
        }

        return ReservationDto.From(reservation, clock.GetUtcNow());
    }

    public async Task<List<ReservationDto>> MineAsync(long userId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var reservations = await db.Reservations.AsNoTracking()
            .Where(r => r.UserId == userId)
            .OrderByDescending(r => r.CreatedAt)
            .ThenByDescending(r => r.Id)
            .ToListAsync(cancellationToken);
        return reservations.Select(r => ReservationDto.From(r, now)).ToList();
    }
}
