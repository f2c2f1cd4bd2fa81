using ConcertBooking.Messaging.Outbox;
using ConcertBooking.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Messaging.Consumers;

/// <summary>
/// Deletes a group's processed-event records once they are older than the retention: by then Kafka (and the outbox)
/// no longer hold the events, so no redelivery is left for them to recognise. Each group prunes its own, in its own
/// database.
/// </summary>
internal sealed class ProcessedEventsPruner<TContext>(
    string groupId,
    IServiceScopeFactory scopes,
    DatabaseReadiness database,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<ProcessedEventsPruner<TContext>> logger) : RetentionPruner<TContext>(scopes, database, options, clock, logger)
    where TContext : DbContext
{
    protected override string What => $"processed-event records of {groupId}";

    protected override Task<int> PruneAsync(TContext db, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var records = db.Set<ProcessedEvent>();
        return db.DeleteInChunksAsync(
            records.Where(p => p.GroupId == groupId && p.ProcessedAt < cutoff).Select(p => p.EventId),
            ids => records.Where(p => p.GroupId == groupId && ids.Contains(p.EventId)).ExecuteDeleteAsync(cancellationToken),
            cancellationToken);
    }
}
