using ConcertBooking.Contracts;

namespace ConcertBooking.DataPlatform.Analytics;

/// <summary>
/// Event times as the analytics keep them: UTC, to the microsecond. That is the finest precision every supported
/// database stores (PostgreSQL drops the last tick digit), so figures folded in memory from the archive (as of a
/// moment) equal the ones read back from the tables.
/// </summary>
internal static class EventTime
{
    public static DateTimeOffset Normalize(DateTimeOffset time)
    {
        var ticks = time.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % 10), TimeSpan.Zero);
    }
}

/// <summary>A concert's sale as far as CONCERT_SOLD_OUT tells it (seed 7.5: sold-out speed).</summary>
public sealed class ConcertSale
{
    public required long ConcertId { get; init; }

    public required string ConcertName { get; init; }

    public required DateTimeOffset SoldOutTime { get; init; }

    public required DateTimeOffset BookingStartTime { get; init; }

    public static ConcertSale From(ConcertSoldOut soldOut) => new()
    {
        ConcertId = soldOut.ConcertId,
        ConcertName = soldOut.ConcertName,
        SoldOutTime = EventTime.Normalize(soldOut.SoldOutTime),
        BookingStartTime = EventTime.Normalize(soldOut.BookingStartTime),
    };
}

/// <summary>Reservations made per hour of event time: a late event counts in the hour it happened, not the hour it
/// arrived.</summary>
public sealed class HourlyReservations
{
    /// <summary>Start of the UTC hour.</summary>
    public required DateTimeOffset HourStart { get; init; }

    public long Reservations { get; init; }

    public static DateTimeOffset HourOf(DateTimeOffset time)
    {
        var ticks = time.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % TimeSpan.TicksPerHour), TimeSpan.Zero);
    }
}
