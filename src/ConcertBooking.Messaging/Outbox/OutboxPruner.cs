using ConcertBooking.Infrastructure.Persistence;
using ConcertBooking.Messaging.Consumers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Messaging.Outbox;

/// <summary>
/// Keeps the outbox and the processed-event records from growing forever. A sent row goes once it is older than
/// <see cref="OutboxOptions.Retention"/> and every group that reads its topic has processed it; a processed-event
/// record goes once it is that old and its outbox row is gone (so a row a group still owes is never orphaned).
/// Events no group processed (dead letters) stay, for an operator to replay. Deletes run in small chunks, each its
/// own short write transaction.
/// </summary>
public sealed partial class OutboxPruner(
    IServiceScopeFactory scopes,
    IEnumerable<ConsumerGroupSubscription> groups,
    DatabaseReadiness database,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<OutboxPruner> logger) : PeriodicDatabaseWork(database, clock, logger)
{
    private const int Chunk = 5000;

    protected override TimeSpan Interval => options.Value.PruneInterval;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) =>
        PruneAsync(Clock.GetUtcNow() - options.Value.Retention, cancellationToken);

    public async Task PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        var storedCutoff = db.Database.ToStored(cutoff);
        var outbox = 0;
        foreach (var readers in groups
            .SelectMany(g => g.Topics.Select(t => (Topic: t, g.GroupId)))
            .GroupBy(x => x.Topic, x => x.GroupId))
        {
            // One EXISTS per group that reads the topic: the group ids are this system's own names.
            var topic = readers.Key;
            var groupIds = readers.Distinct().ToList();
            var everyGroup = string.Concat(groupIds.Select((_, i) =>
                " AND EXISTS (SELECT 1 FROM \"ProcessedEvents\" p WHERE p.\"GroupId\" = {" + (i + 2) + "} AND p.\"EventId\" = o.\"EventId\")"));
            var sql = """
                DELETE FROM "OutboxMessages" WHERE "Id" IN (
                    SELECT o."Id" FROM "OutboxMessages" o
                    WHERE o."Topic" = {0} AND o."SentAt" IS NOT NULL AND o."SentAt" < {1}
                """ + everyGroup + $"""

                    LIMIT {Chunk})
                """;
            object[] parameters = [topic, storedCutoff, .. groupIds];
            outbox += await DeleteInChunksAsync(db, () => db.Database.ExecuteSqlRawAsync(sql, parameters, cancellationToken), cancellationToken);
        }

        var processed = await DeleteInChunksAsync(db, () => db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            DELETE FROM "ProcessedEvents" WHERE ("GroupId", "EventId") IN (
                SELECT p."GroupId", p."EventId" FROM "ProcessedEvents" p
                WHERE p."ProcessedAt" < {storedCutoff}
                  AND NOT EXISTS (SELECT 1 FROM "OutboxMessages" o WHERE o."EventId" = p."EventId")
                LIMIT {Chunk})
            """,
            cancellationToken), cancellationToken);

        if (outbox > 0 || processed > 0)
        {
            LogPruned(outbox, processed, cutoff);
        }
    }

    private static async Task<int> DeleteInChunksAsync(DbContext db, Func<Task<int>> deleteChunk, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            int deleted;
            using (await SqliteWriteGate.EnterAsync(db, cancellationToken))
            {
                deleted = await deleteChunk();
            }

            total += deleted;
            if (deleted < Chunk)
            {
                return total;
            }
        }
    }


    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Outbox} outbox rows and {Processed} processed-event records older than {Cutoff}")]
    private partial void LogPruned(int outbox, int processed, DateTimeOffset cutoff);
}
