using ConcertBooking.Contracts;
using ConcertBooking.Domain.Common;
using ConcertBooking.Domain.Queues;
using ConcertBooking.Infrastructure.Persistence;
using ConcertBooking.Infrastructure.Sql;
using ConcertBooking.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Api.Features.Queue;

/// <summary>
/// Puts the caller in a concert's waiting room, once: a second join returns the same place. Before booking opens the
/// fan joins the pre-queue (no number yet: the order is drawn at the opening second); after, the fan gets the next
/// number. QUEUE_JOINED goes into the outbox with the entry.
/// </summary>
public sealed class JoinQueue(BookingDbContext db, WriteTransactions<BookingDbContext> transactions, TimeProvider clock)
{
    public async Task<QueueTicketDto> ExecuteAsync(long userId, long concertId, CancellationToken cancellationToken)
    {
        try
        {
            return await transactions.RunAsync((unit, ct) => JoinAsync(unit, userId, concertId, ct), cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            // The same fan's twin request got there first: its place is this request's answer.
            db.ChangeTracker.Clear();
            return await new QueueQueries(db, clock).StatusAsync(userId, concertId, cancellationToken);
        }
        catch (PreQueueDrawnMeanwhile)
        {
            // Joining again reads the drawn queue first and takes a number without the shared lock.
            db.ChangeTracker.Clear();
            return await ExecuteAsync(userId, concertId, cancellationToken);
        }
    }

    /// <summary>The join itself, in the caller's write transaction on the context it is given.</summary>
    private async Task<QueueTicketDto> JoinAsync(BookingDbContext unit, long userId, long concertId, CancellationToken ct)
    {
        var now = RawSql.ToMicroseconds(clock.GetUtcNow());
        var (queue, bookingOpensAt) = await unit.OpenQueueAsync(concertId, ct);
        if (queue.ClosedAt is not null)
        {
            throw QueueErrors.Closed(concertId);
        }

        if (now < queue.OpensAt)
        {
            throw QueueErrors.NotOpen(concertId, queue.OpensAt);
        }

        if (await unit.QueueEntries.AsNoTracking().FirstOrDefaultAsync(e => e.ConcertId == concertId && e.UserId == userId, ct) is { } existing)
        {
            return QueueTicketDto.From(existing, queue, bookingOpensAt, now);
        }

        // Everything that does not need the queue row comes first: the row's lock, taken next, serializes the joins
        // of a concert (and its admission passes) on every process, so it is held only for the entry's insert.
        var email = await unit.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.Email).FirstOrDefaultAsync(ct);
        await unit.AddToOutboxAsync(new QueueJoined(concertId, userId, now < bookingOpensAt) { OccurredAt = now, UserEmail = email }, ct);
        var preQueue = now < bookingOpensAt && queue.NumberedAt is null && await unit.HoldPreQueueAsync(concertId, ct);

        if (!preQueue)
        {
            await unit.DrawIfDueAsync(concertId, now, ct);
        }

        var number = preQueue ? (long?)null : await unit.NextNumberAsync(concertId, ct);

        // After opening a fan joined when their place was taken, under the queue row's lock: join times then follow
        // place numbers even when concurrent requests started in another order. (The pre-queue's order is drawn.)
        var joinedAt = preQueue ? now : RawSql.ToMicroseconds(clock.GetUtcNow());
        var entry = QueueEntry.Join(concertId, userId, number, joinedAt);
        unit.QueueEntries.Add(entry);
        await unit.SaveChangesAsync(ct);
        return QueueTicketDto.From(entry, queue, bookingOpensAt, joinedAt);
    }
}

/// <summary>The pre-queue was drawn while a join was taking its shared lock; the join starts over.</summary>
internal sealed class PreQueueDrawnMeanwhile : Exception;

public sealed class QueueQueries(BookingDbContext db, TimeProvider clock)
{
    /// <summary>The caller's place: two primary-key reads, whatever the length of the queue.</summary>
    public async Task<QueueTicketDto> StatusAsync(long userId, long concertId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (queue, bookingOpensAt) = await db.OpenQueueAsync(concertId, cancellationToken);
        if (queue.NumberedAt is null && now >= bookingOpensAt)
        {
            // The opening second has passed and no admission pass has drawn the pre-queue yet: draw it now.
            await db.InTransactionAsync(async ct => { await db.DrawIfDueAsync(concertId, now, ct); return 0; }, cancellationToken);
            (queue, _) = await db.OpenQueueAsync(concertId, cancellationToken);
        }

        var entry = await db.QueueEntries.AsNoTracking().FirstOrDefaultAsync(e => e.ConcertId == concertId && e.UserId == userId, cancellationToken)
            ?? throw QueueErrors.NotInQueue(concertId);
        return QueueTicketDto.From(entry, queue, bookingOpensAt, now);
    }
}

internal static class QueueLookup
{
    /// <summary>The concert's enabled waiting room and its booking opening; 404 when there is none.</summary>
    public static async Task<(ConcertQueue Queue, DateTimeOffset BookingOpensAt)> OpenQueueAsync(this BookingDbContext db, long concertId, CancellationToken ct)
    {
        var found = await db.ConcertQueues.AsNoTracking()
            .Where(q => q.ConcertId == concertId && q.Enabled)
            .Join(db.Concerts, q => q.ConcertId, c => c.Id, (q, c) => new { Queue = q, c.BookingOpensAt })
            .FirstOrDefaultAsync(ct);
        return found is null ? throw QueueErrors.NoQueue(concertId) : (found.Queue, found.BookingOpensAt);
    }
}

public static class QueueErrors
{
    public static BookingException NoQueue(long concertId) =>
        new(new(ErrorKind.NotFound, "not-found", "No waiting room", $"Concert {concertId} does not exist or has no waiting room."));

    public static BookingException NotInQueue(long concertId) =>
        new(new(ErrorKind.NotFound, "not-found", "Not in the queue", $"You have not joined the waiting room of concert {concertId}."));

    public static BookingException NotOpen(long concertId, DateTimeOffset opensAt) =>
        new(new(ErrorKind.Conflict, "queue-not-open", "Waiting room not open", $"The waiting room of concert {concertId} opens at {opensAt:O}."));

    public static BookingException Closed(long concertId) =>
        new(new(ErrorKind.Conflict, "queue-closed", "Waiting room closed", $"Concert {concertId} is sold out; its waiting room is closed."));
}

/// <summary>
/// A fan leaves: a waiting fan gives up their place (those behind move up at the next admissions; positions already
/// reported may overstate the wait by the fans who left), an admitted fan ends their turn early so the next is let in.
/// </summary>
public sealed class LeaveQueue(WriteTransactions<BookingDbContext> transactions, TimeProvider clock)
{
    public Task ExecuteAsync(long userId, long concertId, CancellationToken cancellationToken) =>
        transactions.RunAsync(
            async (db, ct) =>
            {
                if (!await db.LeaveQueueAsync(concertId, userId, RawSql.ToMicroseconds(clock.GetUtcNow()), ct))
                {
                    throw QueueErrors.NotInQueue(concertId);
                }

                return true;
            },
            cancellationToken);
}
