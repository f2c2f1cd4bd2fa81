using ConcertBooking.Domain.Common;
using ConcertBooking.Persistence;
using ConcertBooking.Notifications.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Notifications.Endpoints;

/// <summary>
/// Joining and leaving concerts' waitlists. No event announces a new concert, so whether one exists is asked of the
/// booking side through <see cref="IConcertDirectory"/>, which the composition provides.
/// </summary>
internal sealed class Waitlist(NotificationsDbContext db, IConcertDirectory concerts, TimeProvider clock)
{
    /// <summary>Joins, or finds the caller already waiting; <c>Joined</c> tells which. A concert that has already
    /// sold out is a conflict: its one notice has gone out, and a new entry would wait for nothing.</summary>
    public async Task<(WaitlistEntryDto Entry, bool Joined)> JoinAsync(long concertId, long userId, string email, CancellationToken cancellationToken)
    {
        var concert = await FindConcertAsync(concertId, cancellationToken);
        if (await FindAsync(concertId, userId, cancellationToken) is { } existing)
        {
            return (WaitlistEntryDto.From(existing), false);
        }

        if (concert.SoldOutAt is { } soldOutAt)
        {
            throw AlreadySoldOut(concertId, soldOutAt);
        }

        var concertName = concert.Name;

        var entry = new WaitlistEntry
        {
            ConcertId = concertId,
            UserId = userId,
            Email = email,
            ConcertName = concertName,
            JoinedAt = clock.GetUtcNow(),
        };
        db.WaitlistEntries.Add(entry);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            // The same fan joining twice at once: the other request got there first.
            db.ChangeTracker.Clear();
            return (WaitlistEntryDto.From((await FindAsync(concertId, userId, cancellationToken))!), false);
        }

        return (WaitlistEntryDto.From(entry), true);
    }

    /// <summary>Leaves; leaving a waitlist one is not on is already done.</summary>
    public async Task LeaveAsync(long concertId, long userId, CancellationToken cancellationToken)
    {
        await FindConcertAsync(concertId, cancellationToken);
        await db.WaitlistEntries.Where(w => w.ConcertId == concertId && w.UserId == userId).ExecuteDeleteAsync(cancellationToken);
    }

    public async Task<List<WaitlistEntryDto>> MineAsync(long userId, CancellationToken cancellationToken)
    {
        var entries = await db.WaitlistEntries.AsNoTracking()
            .Where(w => w.UserId == userId)
            .OrderByDescending(w => w.JoinedAt)
            .ThenBy(w => w.ConcertId)
            .ToListAsync(cancellationToken);
        return entries.Select(WaitlistEntryDto.From).ToList();
    }

    private Task<WaitlistEntry?> FindAsync(long concertId, long userId, CancellationToken cancellationToken) =>
        db.WaitlistEntries.AsNoTracking().FirstOrDefaultAsync(w => w.ConcertId == concertId && w.UserId == userId, cancellationToken);

    private static BookingException AlreadySoldOut(long concertId, DateTimeOffset soldOutAt) =>
        new(new BookingError(
            ErrorKind.Conflict,
            "concert-sold-out",
            "Concert sold out",
            $"Concert {concertId} sold out at {soldOutAt:O}; the waitlist announces a sell-out, so there is nothing left to wait for."));

    private async Task<ConcertListing> FindConcertAsync(long concertId, CancellationToken cancellationToken) =>
        await concerts.FindAsync(concertId, cancellationToken) ?? throw BookingErrors.NotFound("Concert", concertId);
}
