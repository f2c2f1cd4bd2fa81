using ConcertBooking.DataPlatform.Analytics;
using ConcertBooking.Domain.Reservations;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Pipeline.Tests.Support;

/// <summary>What the booking database, the source of truth, says the data platform's analytics should answer.</summary>
internal static class BookingFigures
{
    public static Task<ConcertAnalyticsDto> ConcertAsync(PipelineApp app, long concertId) => app.WithBookingDbAsync(async db =>
    {
        var statuses = await db.Reservations.Where(r => r.ConcertId == concertId).Select(r => new { r.Id, r.Status }).ToListAsync();
        var ids = statuses.Select(r => r.Id).ToList();
        var revenue = (await db.Payments.Where(p => ids.Contains(p.ReservationId)).Select(p => p.Amount).ToListAsync()).Sum();
        var concert = await db.Concerts.SingleAsync(c => c.Id == concertId);
        long Count(ReservationStatus status) => statuses.Count(r => r.Status == status);
        return new ConcertAnalyticsDto(
            concertId,
            statuses.Count,
            Count(ReservationStatus.Held),
            Count(ReservationStatus.Confirmed),
            Count(ReservationStatus.Cancelled),
            Count(ReservationStatus.Expired),
            revenue,
            concert.SoldOutAt is not null,
            concert.SoldOutAt is { } soldOutAt ? (ToMicroseconds(soldOutAt) - ToMicroseconds(concert.BookingOpensAt)).TotalSeconds : null);

        // The analytics keep times to the microsecond, as every supported database does.
        static DateTimeOffset ToMicroseconds(DateTimeOffset time) => time.AddTicks(-(time.UtcTicks % 10));
    });

    /// <summary>Holds per UTC hour of their creation (event time), only the hours that have any.</summary>
    public static Task<Dictionary<DateTimeOffset, long>> HourlyAsync(PipelineApp app) => app.WithBookingDbAsync(async db =>
        (await db.Reservations.Select(r => r.CreatedAt).ToListAsync())
            .GroupBy(HourlyReservations.HourOf)
            .ToDictionary(g => g.Key, g => (long)g.Count()));
}
