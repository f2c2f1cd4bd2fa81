using ConcertBooking.Contracts;
using ConcertBooking.DataPlatform.Archive;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.DataPlatform.Analytics;

public sealed class AnalyticsQueries(DataPlatformDbContext db, UpcastDefaults upcast)
{
    public async Task<HourlyReservationsDto> HourlyAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var first = HourlyReservations.HourOf(from);
        var counted = await db.HourlyReservations.AsNoTracking()
            .Where(h => h.HourStart >= first && h.HourStart < to)
            .ToDictionaryAsync(h => h.HourStart, h => h.Reservations, cancellationToken);

        var hours = new List<HourBucketDto>();
        for (var hour = first; hour < to; hour = hour.AddHours(1))
        {
            hours.Add(new HourBucketDto(hour, counted.GetValueOrDefault(hour)));
        }

        return new HourlyReservationsDto(from, to, hours.Sum(h => h.Reservations), hours);
    }

    /// <summary>Null when the platform has seen no event of the concert.</summary>
    public async Task<ConcertAnalyticsDto?> ConcertAsync(long concertId, CancellationToken cancellationToken)
    {
        var totals = await db.ReservationActivity.AsNoTracking()
            .Where(a => a.ConcertId == concertId)
            .GroupBy(a => a.Status)
            .Select(g => new StatusTotal(g.Key, g.LongCount(), g.Sum(a => a.PaidAmount)))
            .ToListAsync(cancellationToken);
        var sale = await db.ConcertSales.AsNoTracking().FirstOrDefaultAsync(s => s.ConcertId == concertId, cancellationToken);
        return totals.Count == 0 && sale is null ? null : ConcertFigures.From(concertId, totals, sale);
    }

    /// <summary>
    /// The concert as the platform would have shown it at <paramref name="asOf"/> had every event arrived on time:
    /// its events with occurredAt up to then, replayed from the archive through the same projection as live.
    /// Null when the platform knows no event of the concert by then.
    /// </summary>
    public async Task<ConcertAnalyticsDto?> ConcertAsOfAsync(long concertId, DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        // Payments name no concert; they belong to it through a reservation event that does.
        var reservationsOfConcert = db.ArchivedEvents
            .Where(a => a.ConcertId == concertId && a.ReservationId != null)
            .Select(a => a.ReservationId);
        var archived = await db.ArchivedEvents.AsNoTracking()
            .Where(a => a.OccurredAt <= asOf
                && (a.ConcertId == concertId
                    || (a.EventType == EventTypes.PaymentCompleted && reservationsOfConcert.Contains(a.ReservationId))))
            .OrderBy(a => a.Sequence)
            .ToListAsync(cancellationToken);

        var activities = new Dictionary<long, ReservationActivity>();
        ConcertSale? sale = null;
        foreach (var @event in archived.Select(a => a.ToConsumedEvent(upcast).Event))
        {
            if (ReservationActivity.ReservationIdOf(@event) is { } reservationId)
            {
                if (!activities.TryGetValue(reservationId, out var activity))
                {
                    activities[reservationId] = activity = new ReservationActivity { ReservationId = reservationId };
                }

                activity.Apply(@event);
            }
            else if (@event is ConcertSoldOut soldOut && (sale is null || soldOut.SoldOutTime < sale.SoldOutTime))
            {
                sale = ConcertSale.From(soldOut);
            }
        }

        var totals = activities.Values
            .Where(a => a.ConcertId == concertId)
            .GroupBy(a => a.Status)
            .Select(g => new StatusTotal(g.Key, g.LongCount(), g.Sum(a => a.PaidAmount)))
            .ToList();
        return totals.Count == 0 && sale is null ? null : ConcertFigures.From(concertId, totals, sale);
    }

    /// <summary>Null when the platform has seen no event of the user.</summary>
    public async Task<UserAnalyticsDto?> UserAsync(long userId, CancellationToken cancellationToken)
    {
        var activities = await db.ReservationActivity.AsNoTracking()
            .Where(a => a.UserId == userId)
            .Select(a => new { a.HeldAt, a.PaidAt, a.PaidAmount, a.Status })
            .ToListAsync(cancellationToken);
        if (activities.Count == 0)
        {
            return null;
        }

        // A parked payment (see ReservationActivity) is not spend.
        var paid = activities.Where(a => a.Status == ActivityStatus.Confirmed).ToList();
        int? favouriteHour = activities
            .Where(a => a.HeldAt is not null)
            .GroupBy(a => a.HeldAt!.Value.UtcDateTime.Hour)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key)
            .Select(g => (int?)g.Key)
            .FirstOrDefault();
        return new UserAnalyticsDto(
            userId,
            activities.Count(a => a.HeldAt is not null),
            paid.Count,
            paid.Sum(a => a.PaidAmount),
            favouriteHour);
    }

    /// <summary>Null when the platform has seen no queue event of the concert.</summary>
    public async Task<QueueAnalyticsDto?> QueueAsync(long concertId, CancellationToken cancellationToken)
    {
        var minutes = await db.QueueMinutes.AsNoTracking()
            .Where(m => m.ConcertId == concertId)
            .OrderBy(m => m.MinuteStart)
            .ToListAsync(cancellationToken);
        if (minutes.Count == 0)
        {
            return null;
        }

        var length = 0L;
        var series = new List<QueueMinuteDto>(minutes.Count);
        foreach (var minute in minutes)
        {
            length += minute.Joined - minute.Admitted - minute.ClosedOut;
            series.Add(new QueueMinuteDto(
                minute.MinuteStart, minute.Joined, minute.Admitted, minute.ClosedOut, Math.Max(0, length),
                minute.Admitted == 0 ? null : Math.Round(minute.WaitSeconds / minute.Admitted, 3),
                minute.Admitted == 0 ? null : minute.MaxWaitSeconds));
        }

        var admitted = minutes.Sum(m => m.Admitted);
        return new QueueAnalyticsDto(
            concertId,
            minutes.Sum(m => m.Joined),
            admitted,
            minutes.Sum(m => m.ClosedOut),
            Math.Max(0, length),
            admitted == 0 ? null : Math.Round(minutes.Sum(m => m.WaitSeconds) / admitted, 3),
            admitted == 0 ? null : minutes.Max(m => m.MaxWaitSeconds),
            series);
    }
}
