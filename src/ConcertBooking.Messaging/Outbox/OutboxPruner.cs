using ConcertBooking.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Messaging.Outbox;

/// <summary>
/// Deletes sent outbox rows once they are older than the retention, as Kafka's own retention deletes records: the
/// publishing side never asks who has read an event.
/// </summary>
internal sealed class OutboxPruner<TContext>(
    IServiceScopeFactory scopes,
    DatabaseReadiness database,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<OutboxPruner<TContext>> logger) : RetentionPruner<TContext>(scopes, database, options, clock, logger)
    where TContext : DbContext
{
    protected override string What => "sent outbox rows";

    protected override Task<int> PruneAsync(TContext db, DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        db.DeleteInChunksAsync(
            db.Set<OutboxMessage>().Where(m => m.SentAt != null && m.SentAt < cutoff).Select(m => m.Id),
            ids => db.Set<OutboxMessage>().Where(m => ids.Contains(m.Id)).ExecuteDeleteAsync(cancellationToken),
            cancellationToken);
}
