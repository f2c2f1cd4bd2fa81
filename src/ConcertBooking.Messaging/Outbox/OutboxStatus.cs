using ConcertBooking.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ConcertBooking.Messaging.Outbox;

/// <param name="Backlog">Rows committed and not yet on Kafka.</param>
/// <param name="OldestUnsentAgeSeconds">How long the oldest of them has waited (null without backlog).</param>
/// <param name="LeaseHolder">The relay process publishing now (its lease), null before any took it.</param>
/// <param name="LeaseExpiresAt">When that lease runs out unless renewed: a holder that died is replaced then.</param>
/// <param name="PublishedLastMinute">Rows published in the last 60 seconds.</param>
public sealed record OutboxStatus(
    long Backlog,
    double? OldestUnsentAgeSeconds,
    string? LeaseHolder,
    DateTimeOffset? LeaseExpiresAt,
    long PublishedLastMinute,
    double PublishRatePerSecond);

/// <summary>The outbox as operators see it.</summary>
public interface IOutboxStatusQuery
{
    Task<OutboxStatus> GetAsync(CancellationToken cancellationToken);
}

/// <summary>The outbox of <typeparamref name="TContext"/>, read from its own tables.</summary>
public sealed class OutboxStatusQuery<TContext>(IServiceScopeFactory scopes, TimeProvider clock) : IOutboxStatusQuery
    where TContext : DbContext
{
    private static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(1);

    public async Task<OutboxStatus> GetAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var now = clock.GetUtcNow();
        var since = now - RateWindow;

        var pending = db.Set<OutboxMessage>().AsNoTracking().Where(m => m.SentAt == null);
        var backlog = await pending.LongCountAsync(cancellationToken);
        var oldestId = await pending.OrderBy(m => m.Id).Select(m => (long?)m.Id).FirstOrDefaultAsync(cancellationToken);
        DateTimeOffset? oldest = oldestId is { } id
            ? await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.Id == id).Select(m => m.OccurredAt).FirstAsync(cancellationToken)
            : null;
        var published = await db.Set<OutboxMessage>().AsNoTracking().LongCountAsync(m => m.SentAt != null && m.SentAt >= since, cancellationToken);
        var lease = await db.Set<Lease>().AsNoTracking().FirstOrDefaultAsync(l => l.Name == OutboxRelay<TContext>.LeaseName, cancellationToken);

        return new OutboxStatus(
            backlog,
            oldest is { } at ? Math.Max(0, (now - at).TotalSeconds) : null,
            lease?.Owner,
            lease?.ExpiresAt,
            published,
            Math.Round(published / RateWindow.TotalSeconds, 2));
    }
}
