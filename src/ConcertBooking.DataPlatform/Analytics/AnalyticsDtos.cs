namespace ConcertBooking.DataPlatform.Analytics;

/// <summary>Reservations whose hold happened in each UTC hour from the hour of <c>From</c> up to <c>To</c>
/// (exclusive), hours without any included.</summary>
public sealed record HourlyReservationsDto(DateTimeOffset From, DateTimeOffset To, long Total, IReadOnlyList<HourBucketDto> Hours);

public sealed record HourBucketDto(DateTimeOffset Hour, long Reservations);

/// <summary>
/// A concert's reservations by their current status (holds are the ones still awaiting payment), so the four add up
/// to <c>Reservations</c>; revenue is what the confirmed ones were paid.
/// </summary>
public sealed record ConcertAnalyticsDto(
    long ConcertId,
    long Reservations,
    long Holds,
    long Confirmed,
    long Cancelled,
    long Expired,
    long Revenue,
    bool SoldOut,
    double? SoldOutSeconds);

/// <summary>A fan's pattern: holds made, payments and what they spent, and the UTC hour of day they hold most in.</summary>
public sealed record UserAnalyticsDto(long UserId, long Reservations, long Payments, long Spend, int? FavouriteHourOfDay);

internal readonly record struct StatusTotal(ActivityStatus Status, long Count, long Revenue);

internal static class ConcertFigures
{
    public static ConcertAnalyticsDto From(long concertId, IReadOnlyCollection<StatusTotal> totals, ConcertSale? sale)
    {
        long CountOf(ActivityStatus status) => totals.Where(t => t.Status == status).Sum(t => t.Count);
        return new ConcertAnalyticsDto(
            concertId,
            totals.Sum(t => t.Count),
            CountOf(ActivityStatus.Held),
            CountOf(ActivityStatus.Confirmed),
            CountOf(ActivityStatus.Cancelled),
            CountOf(ActivityStatus.Expired),
            totals.Where(t => t.Status == ActivityStatus.Confirmed).Sum(t => t.Revenue),
            sale is not null,
            sale is null ? null : (sale.SoldOutTime - sale.BookingStartTime).TotalSeconds);
    }
}

/// <summary>
/// A concert's waiting room over event time: totals, and every UTC minute in which something happened with the queue's
/// length at the end of it (fans joined and not yet let in or closed out). Fans who left the line on their own are
/// not evented, so they count as waiting until the queue closes.
/// </summary>
public sealed record QueueAnalyticsDto(
    long ConcertId,
    long Joined,
    long Admitted,
    long ClosedOut,
    long Waiting,
    double? AverageWaitSeconds,
    double? MaxWaitSeconds,
    IReadOnlyList<QueueMinuteDto> Minutes);

public sealed record QueueMinuteDto(
    DateTimeOffset Minute,
    long Joined,
    long Admitted,
    long ClosedOut,
    long QueueLength,
    double? AverageWaitSeconds,
    double? MaxWaitSeconds);
