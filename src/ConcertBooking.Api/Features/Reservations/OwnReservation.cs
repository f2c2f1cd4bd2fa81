using ConcertBooking.Domain.Common;
using ConcertBooking.Domain.Reservations;
using ConcertBooking.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Api.Features.Reservations;

internal static class OwnReservation
{
    /// <summary>Loads a reservation for a change by its owner: 404 when it does not exist, 403 for anyone else's.</summary>
    public static async Task<Reservation> FindForOwnerAsync(this BookingDbContext db, long reservationId, long userId, CancellationToken ct)
    {
        var reservation = await db.Reservations.FirstOrDefaultAsync(r => r.Id == reservationId, ct)
            ?? throw BookingErrors.NotFound("Reservation", reservationId);
        return reservation.UserId == userId
            ? reservation
            : throw BookingErrors.Forbidden($"Reservation {reservationId} belongs to another fan.");
    }
}
