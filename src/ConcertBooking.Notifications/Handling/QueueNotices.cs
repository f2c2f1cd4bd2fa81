using ConcertBooking.Contracts;
using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Notifications.Persistence;
using ConcertBooking.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Notifications.Handling;

/// <summary>
/// The waiting room's part of a batch: QUEUE_JOINED records where each fan is told, QUEUE_CLOSED drafts a notice for
/// every fan it names as still waiting and forgets the concert's waiters. Both events are keyed by concert, so a
/// fan's join always arrives before the close that names them.
/// </summary>
internal static class QueueNotices
{
    public static async Task<IReadOnlyList<Notification>> ApplyAsync(
        NotificationsDbContext db, IReadOnlyList<ConsumedEvent> events, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var joined = events.Select(e => e.Event).OfType<QueueJoined>()
            .Where(j => j.UserEmail is not null)
            .DistinctBy(j => (j.ConcertId, j.UserId))
            .Select(j => new QueueWaiter { ConcertId = j.ConcertId, UserId = j.UserId, Email = j.UserEmail! })
            .ToList();
        var closed = events.Select(e => e.Event).OfType<QueueClosed>().DistinctBy(c => c.ConcertId).ToList();
        if (joined.Count == 0 && closed.Count == 0)
        {
            return [];
        }

        var concertIds = joined.Select(w => w.ConcertId).Concat(closed.Select(c => c.ConcertId)).Distinct().ToList();
        var userIds = joined.Select(w => w.UserId).Concat(closed.SelectMany(c => c.WaitingUserIds)).Distinct().ToList();
        var known = await db.QueueWaiters.AsNoTracking()
            .Where(w => concertIds.Contains(w.ConcertId) && userIds.Contains(w.UserId))
            .ToListAsync(cancellationToken);
        var waiters = known.Concat(joined).DistinctBy(w => (w.ConcertId, w.UserId)).ToDictionary(w => (w.ConcertId, w.UserId));

        var closedIds = closed.Select(c => c.ConcertId).ToHashSet();
        var stored = known.Select(w => (w.ConcertId, w.UserId)).ToHashSet();
        await db.BulkInsertAsync(
            joined.Where(w => !closedIds.Contains(w.ConcertId) && !stored.Contains((w.ConcertId, w.UserId))).ToList(), cancellationToken);
        if (closedIds.Count > 0)
        {
            await db.QueueWaiters.Where(w => closedIds.Contains(w.ConcertId)).ExecuteDeleteAsync(cancellationToken);
        }

        return closed
            .SelectMany(c => c.WaitingUserIds
                .Select(userId => waiters.GetValueOrDefault((c.ConcertId, userId)))
                .OfType<QueueWaiter>()
                .Select(waiter => NotificationTexts.QueueClosed(c, waiter, now)))
            .ToList();
    }
}
