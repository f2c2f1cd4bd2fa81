using ConcertBooking.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Api.Idempotency;

/// <summary>
/// Deletes idempotency records older than <see cref="IdempotencyOptions.Retention"/>, which are no longer replayed,
/// so a client that sends a fresh key with every request cannot grow the table without end. Deletes run in chunks,
/// each its own short write transaction, so bookings queue behind none of them for long.
/// </summary>
public sealed partial class IdempotencyPruner(
    IServiceScopeFactory scopes,
    DatabaseReadiness database,
    IOptions<IdempotencyOptions> options,
    TimeProvider clock,
    ILogger<IdempotencyPruner> logger) : PeriodicDatabaseWork(database, clock, logger)
{
    private const int Chunk = 5000;

    protected override TimeSpan Interval => options.Value.PruneInterval;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) =>
        PruneAsync(Clock.GetUtcNow() - options.Value.Retention, cancellationToken);

    /// <summary>Deletes every record created before <paramref name="cutoff"/>; returns how many.</summary>
    public async Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        var storedCutoff = db.Database.ToStored(cutoff);
        var total = 0;
        int deleted;
        do
        {
            using (await SqliteWriteGate.EnterAsync(db, cancellationToken))
            {
                deleted = await db.Database.ExecuteSqlInterpolatedAsync(
                    $"""
                    DELETE FROM "IdempotencyRecords" WHERE ("UserId", "Key") IN (
                        SELECT r."UserId", r."Key" FROM "IdempotencyRecords" r WHERE r."CreatedAt" < {storedCutoff} LIMIT {Chunk})
                    """,
                    cancellationToken);
            }

            total += deleted;
        }
        while (deleted == Chunk);

        if (total > 0)
        {
            LogPruned(total, cutoff);
        }

        return total;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} idempotency records created before {Cutoff}")]
    private partial void LogPruned(int count, DateTimeOffset cutoff);
}
