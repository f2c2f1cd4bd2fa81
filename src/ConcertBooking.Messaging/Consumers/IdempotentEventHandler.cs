using ConcertBooking.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Messaging.Consumers;

/// <summary>
/// Applies each event of a batch at most once per group: one transaction holds the group's writes and its
/// processed-event records; events the group already applied (a redelivery, a replay) are left out. A concurrent
/// instance racing on the same event makes the commit fail on the primary key; the runtime then retries the
/// records one by one and the retry finds them applied. On SQLite the transaction is a write transaction like the
/// requests' (<see cref="WriteTransactions{TContext}"/>): it joins their next shared commit.
/// </summary>
public abstract class IdempotentEventHandler<TContext>(WriteTransactions<TContext> transactions, string groupId, TimeProvider clock)
    : IKeepsProcessedEventsIn<TContext>
    where TContext : DbContext
{
    /// <summary>The group's place in the SQLite write queue when its batch commits on its own (group commit off):
    /// behind bookings by default, since a group that waits only writes a larger batch next time.</summary>
    protected virtual WritePriority WritePriority => WritePriority.Background;

    public async Task HandleAsync(IReadOnlyList<ConsumedEvent> events, CancellationToken cancellationToken)
    {
        // Decoded before the transaction: on SQLite it holds the one writer, which must not wait for JSON parsing
        // (and an undecodable record fails the batch before anything is written).
        foreach (var consumed in events)
        {
            _ = consumed.Event;
        }

        var ids = events.Select(e => e.EventId).Distinct().ToList();
        await transactions.RunAsync(
            async (db, ct) =>
            {
                var applied = (await db.Set<ProcessedEvent>()
                    .Where(p => p.GroupId == groupId && ids.Contains(p.EventId))
                    .Select(p => p.EventId)
                    .ToListAsync(ct)).ToHashSet();
                var fresh = events.Where(e => applied.Add(e.EventId)).ToList();
                if (fresh.Count == 0)
                {
                    return 0;
                }

                await ApplyAsync(db, fresh, ct);
                var now = clock.GetUtcNow();
                var saved = await db.SaveChangesAsync(ct);
                await db.BulkInsertAsync(fresh.Select(e => ProcessedEvent.Of(groupId, e, now)).ToList(), ct);
                return saved + fresh.Count;
            },
            cancellationToken,
            WritePriority);
    }

    /// <summary>The group's own work for events it has not applied yet, inside the batch's transaction: write
    /// through <paramref name="db"/> only (the base class saves once for the whole batch) or insert in bulk.</summary>
    protected abstract Task ApplyAsync(TContext db, IReadOnlyList<ConsumedEvent> events, CancellationToken cancellationToken);
}

/// <summary>A handler whose group records what it processed in <typeparamref name="TContext"/>'s processed-events
/// table; the runtime then prunes those records by age.</summary>
public interface IKeepsProcessedEventsIn<TContext> : IEventBatchHandler
    where TContext : DbContext;
