using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Rankings;

public sealed record BookingRankEntry(long ConcertId, string ConcertName, int Reservations, int Confirmed);

public sealed record SoldOutRankEntry(long ConcertId, string ConcertName, double SoldOutSeconds, DateTimeOffset SoldOutTime);

/// <summary>Both rankings sort and cut in SQL, along an index whose order is the ranking's, so the cost is that
/// of reading <c>limit</c> rows however many concerts there are.</summary>
public sealed class RankingQueries(RankingDbContext db)
{
    /// <summary>Most reservations first; confirmations, then the concert id, break ties so the order is stable.</summary>
    public IQueryable<BookingRankEntry> BookingRanking(int limit) =>
        db.BookingCounts.AsNoTracking()
            .OrderByDescending(c => c.Reservations)
            .ThenByDescending(c => c.Confirmed)
            .ThenBy(c => c.ConcertId)
            .Take(limit)
            .Select(c => new BookingRankEntry(c.ConcertId, c.ConcertName, c.Reservations, c.Confirmed));

    /// <summary>Fastest sell-out first.</summary>
    public IQueryable<SoldOutRankEntry> SoldOutRanking(int limit) =>
        db.SoldOutConcerts.AsNoTracking()
            .OrderBy(s => s.SoldOutSeconds)
            .ThenBy(s => s.ConcertId)
            .Take(limit)
            .Select(s => new SoldOutRankEntry(s.ConcertId, s.ConcertName, s.SoldOutSeconds, s.SoldOutTime));
}
