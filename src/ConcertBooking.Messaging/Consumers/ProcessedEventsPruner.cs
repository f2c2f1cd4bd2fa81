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
internal sealed partial class ProcessedEventsPruner<TContext>(
    string groupId,
    IServiceScopeFactory scopes,
    DatabaseReadiness database,
    IOptions<Outbox.OutboxOptions> options,
    TimeProvider clock,
    ILogger<ProcessedEventsPruner<TContext>> logger) : PeriodicDatabaseWork(database, clock, logger)
    where TContext : DbContext
{
    protected override TimeSpan Interval => options.Value.PruneInterval;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var cutoff = Clock.GetUtcNow() - options.Value.Retention;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var records = db.Set<ProcessedEvent>();
        var deleted = await db.DeleteInChunksAsync(
            records.Where(p => p.GroupId == groupId && p.ProcessedAt < cutoff).Select(p => p.EventId),
            ids => records.Where(p => p.GroupId == groupId && ids.Contains(p.EventId)).ExecuteDeleteAsync(cancellationToken),
            cancellationToken);
        if (deleted > 0)
        {
            LogPruned(groupId, deleted, cutoff);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{GroupId}: pruned {Count} processed-event records older than {Cutoff}")]
    private partial void LogPruned(string groupId, int count, DateTimeOffset cutoff);
}
