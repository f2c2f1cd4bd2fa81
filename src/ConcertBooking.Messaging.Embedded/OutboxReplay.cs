using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using ConcertBooking.Contracts;
using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Messaging.Outbox;
using ConcertBooking.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ConcertBooking.Messaging.Embedded;

/// <summary>Has the outbox published again when this process starts a new embedded cluster.</summary>
internal interface IOutboxRepublisher
{
    Task RepublishAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The embedded cluster lives in memory, so a new one starts empty. Every sent event the outbox still keeps is
/// marked pending again and the relay publishes it anew; groups recognise what they already processed by event id.
/// </summary>
internal sealed partial class OutboxRepublisher<TContext>(
    IServiceScopeFactory scopes, DatabaseReadiness database, ILogger<OutboxRepublisher<TContext>> logger) : IOutboxRepublisher
    where TContext : DbContext
{
    public async Task RepublishAsync(CancellationToken cancellationToken)
    {
        await database.WaitAsync(cancellationToken);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        int count;
        using (await SqliteWriteGate.EnterAsync(db, cancellationToken))
        {
            count = await db.Set<OutboxMessage>()
                .Where(m => m.SentAt != null)
                .ExecuteUpdateAsync(m => m.SetProperty(x => x.SentAt, (DateTimeOffset?)null), cancellationToken);
        }

        LogRepublishing(count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "New embedded cluster: {Count} sent outbox events will be published again (groups skip what they processed)")]
    private partial void LogRepublishing(int count);
}

/// <summary>
/// Repairs a group's gap from the outbox, which keeps every event for the retention: the embedded cluster drops a
/// partition's oldest records beyond 5 MiB, read or not. Yields the topic's events in commit order, published or not
/// yet (those arrive again from Kafka and are skipped as processed, like what Kafka still holds of the replayed ones),
/// starting after what this group already replayed in this process. The group's handler skips what it processed.
/// Only the lagging group reads here; the others go on at full speed.
/// </summary>
internal sealed class OutboxGapRepair<TContext>(IServiceScopeFactory scopes, UpcastDefaults upcast) : IRecordGapRepair
    where TContext : DbContext
{
    private const int BatchSize = 1000;
    private readonly ConcurrentDictionary<(string Group, string Topic), long> _replayedUpTo = new();

    public async IAsyncEnumerable<IReadOnlyList<ConsumedEvent>> RecoverAsync(
        string groupId, string topic, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cursor = (groupId, topic);
        for (var after = _replayedUpTo.GetValueOrDefault(cursor); ;)
        {
            List<(long Id, string Key, string Payload)> rows;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<TContext>();
                rows = (await db.Set<OutboxMessage>().AsNoTracking()
                    .Where(m => m.Topic == topic && m.Id > after)
                    .OrderBy(m => m.Id)
                    .Take(BatchSize)
                    .Select(m => new { m.Id, m.Key, m.Payload })
                    .ToListAsync(cancellationToken))
                    .Select(m => (m.Id, m.Key, m.Payload))
                    .ToList();
            }

            if (rows.Count == 0)
            {
                yield break;
            }

            after = rows[^1].Id;

            // Partition and offset are unknown here: the event did not come from Kafka. The value is the exact
            // JSON the relay publishes.
            yield return rows
                .Select(r => (r.Key, Value: Encoding.UTF8.GetBytes(r.Payload)))
                .Select(r => new ConsumedEvent(EventSerializer.Deserialize(r.Value, upcast), topic, -1, -1, r.Key) { Value = r.Value })
                .ToList();

            // Reached only once the group has handled the batch: a failure leaves the cursor where it was.
            _replayedUpTo[cursor] = after;
        }
    }
}
