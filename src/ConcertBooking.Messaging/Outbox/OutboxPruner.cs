using ConcertBooking.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Messaging.Outbox;

/// <summary>
/// Deletes sent outbox rows once they are older than <see cref="OutboxOptions.Retention"/>, as Kafka's own retention
/// deletes records: the publishing side never asks who has read an event. Deletes run in small chunks, each its own
/// short write transaction.
/// </summary>
internal sealed partial class OutboxPruner<TContext>(
    IServiceScopeFactory scopes,
    DatabaseReadiness database,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<OutboxPruner<TContext>> logger) : PeriodicDatabaseWork(database, clock, logger)
    where TContext : DbContext
{
    protected override TimeSpan Interval => options.Value.PruneInterval;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var cutoff = Clock.GetUtcNow() - options.Value.Retention;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var deleted = await db.DeleteInChunksAsync(
            db.Set<OutboxMessage>().Where(m => m.SentAt != null && m.SentAt < cutoff).Select(m => m.Id),
            ids => db.Set<OutboxMessage>().Where(m => ids.Contains(m.Id)).ExecuteDeleteAsync(cancellationToken),
            cancellationToken);
        if (deleted > 0)
        {
            LogPruned(deleted, cutoff);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} sent outbox rows older than {Cutoff}")]
    private partial void LogPruned(int count, DateTimeOffset cutoff);
}
