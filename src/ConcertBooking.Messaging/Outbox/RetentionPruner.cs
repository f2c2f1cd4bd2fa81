using ConcertBooking.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Messaging.Outbox;

/// <summary>
/// Deletes rows of <typeparamref name="TContext"/> once they are older than <see cref="OutboxOptions.Retention"/>,
/// every <see cref="OutboxOptions.PruneInterval"/>, in chunks (see <see cref="ChunkedDelete"/>).
/// </summary>
internal abstract partial class RetentionPruner<TContext>(
    IServiceScopeFactory scopes,
    DatabaseReadiness database,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger logger) : PeriodicDatabaseWork(database, clock, logger)
    where TContext : DbContext
{
    private readonly ILogger _logger = logger;

    protected override TimeSpan Interval => options.Value.PruneInterval;

    /// <summary>What is pruned, for the log.</summary>
    protected abstract string What { get; }

    /// <summary>Deletes the rows older than <paramref name="cutoff"/>; returns how many.</summary>
    protected abstract Task<int> PruneAsync(TContext db, DateTimeOffset cutoff, CancellationToken cancellationToken);

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var cutoff = Clock.GetUtcNow() - options.Value.Retention;
        await using var scope = scopes.CreateAsyncScope();
        var deleted = await PruneAsync(scope.ServiceProvider.GetRequiredService<TContext>(), cutoff, cancellationToken);
        if (deleted > 0)
        {
            LogPruned(deleted, What, cutoff);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} {What} older than {Cutoff}")]
    private partial void LogPruned(int count, string what, DateTimeOffset cutoff);
}
