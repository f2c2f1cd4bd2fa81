using System.Collections.Concurrent;
using System.Threading.Channels;
using System.Diagnostics;
using System.Text;
using ConcertBooking.Infrastructure.Outbox;
using ConcertBooking.Infrastructure.Persistence;
using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Messaging.Embedded;
using Confluent.Kafka;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Messaging.Outbox;

/// <summary>
/// Publishes committed outbox rows to Kafka in commit order, then marks them sent. Runs in every process with the
/// relay role, but only the holder of the outbox lease publishes, so rows are never published concurrently and
/// each key's events keep their order. Kafka being down only delays publishing: rows stay pending and the relay
/// retries with backoff while the API keeps committing.
/// </summary>
public sealed partial class OutboxRelay(
    IServiceScopeFactory scopes,
    KafkaConnection connection,
    IEnumerable<ConsumerGroupSubscription> groups,
    EmbeddedBacklogGuard backlogGuard,
    OutboxSignal signal,
    DatabaseReadiness database,
    IOptions<OutboxOptions> options,
    MessagingMetrics metrics,
    TimeProvider clock,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private const string LeaseName = "outbox-relay";
    private static readonly TimeSpan BacklogCountInterval = TimeSpan.FromSeconds(1);
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private DateTimeOffset _backlogCountedAt = DateTimeOffset.MinValue;

    // Delivered rows whose SentAt is still being written. Writing it waits for the database's writer (on SQLite,
    // behind the booking and consumer-group transactions), so the next batch is published meanwhile and skips these
    // rows rather than waiting: that wait was most of the commit-to-consumer latency under steady load. One writer
    // records them, every batch delivered meanwhile in one statement.
    private readonly ConcurrentDictionary<long, byte> _unmarked = new();
    private readonly Channel<List<long>> _delivered = Channel.CreateUnbounded<List<long>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly OutboxSignal _recorded = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await database.WaitAsync(stoppingToken);
        await connection.WaitReadyAsync(stoppingToken);
        var settings = options.Value;
        var replayed = !connection.IsEmbedded;
        var backoff = settings.MinBackoff;
        var leaseRenewedAt = DateTimeOffset.MinValue;
        var isLeader = false;
        var marker = Task.Run(RecordSentAsync, CancellationToken.None);

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();

                var now = clock.GetUtcNow();
                if (now - leaseRenewedAt > settings.LeaseDuration / 3)
                {
                    var wasLeader = isLeader;
                    isLeader = await db.TryAcquireAsync(LeaseName, _owner, now, settings.LeaseDuration, stoppingToken);
                    leaseRenewedAt = isLeader ? now : DateTimeOffset.MinValue;
                    if (isLeader != wasLeader)
                    {
                        LogLeadership(isLeader ? "took" : "lost", _owner);
                    }
                }

                if (!isLeader)
                {
                    await Task.Delay(settings.LeaseDuration / 3, clock, stoppingToken);
                    continue;
                }

                if (!replayed)
                {
                    // The embedded cluster lives in memory, so after a restart it is empty.
                    var count = await ReplayUnprocessedAsync(db, groups.SelectMany(g => g.Topics.Select(t => (g.GroupId, t))), stoppingToken);
                    LogReplay(count);
                    replayed = true;
                }

                if (connection.IsEmbedded && settings.HoldBackWhenLagging && !backlogGuard.HasRoom())
                {
                    await Task.Delay(settings.BackpressureWait, clock, stoppingToken);
                    continue;
                }

                var published = await PublishBatchAsync(db, settings.BatchSize, stoppingToken);
                backoff = settings.MinBackoff;
                if (published < settings.BatchSize)
                {
                    await signal.WaitAsync(settings.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                metrics.ProducerErrors.Add(1);
                LogPublishFailed(ex, backoff);
                await Task.Delay(backoff, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, settings.MaxBackoff.Ticks));
            }
        }

        // Not cancelled by the shutdown: what was delivered is recorded, or it would be published again.
        _delivered.Writer.Complete();
        await marker;
    }

    /// <summary>Publishes up to one batch of pending rows; returns how many were read.</summary>
    public async Task<int> PublishBatchAsync(BookingDbContext db, int batchSize, CancellationToken cancellationToken)
    {
        while (_unmarked.Count >= batchSize * 4)
        {
            // Bound what is in flight if the database falls behind.
            await _recorded.WaitAsync(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        // Taken before the read: a row that left the set before this point was recorded as sent before the read
        // begins, so the read does not return it; every row still in the snapshot is skipped.
        var skip = _unmarked.Keys.ToHashSet();
        var pending = (await db.OutboxMessages.AsNoTracking()
            .Where(m => m.SentAt == null)
            .OrderBy(m => m.Id)
            .Take(batchSize + skip.Count)
            .ToListAsync(cancellationToken))
            .Where(m => !skip.Contains(m.Id))
            .Take(batchSize)
            .ToList();
        if (pending.Count < batchSize)
        {
            metrics.ReportOutboxBacklog(pending.Count);
        }
        else if (clock.GetUtcNow() - _backlogCountedAt > BacklogCountInterval)
        {
            // Counting a large backlog scans it; once a second is plenty for a gauge, and keeps the scan off the
            // path of every batch while the relay drains.
            _backlogCountedAt = clock.GetUtcNow();
            metrics.ReportOutboxBacklog(await db.OutboxMessages.CountAsync(m => m.SentAt == null, cancellationToken));
        }
        if (pending.Count == 0)
        {
            return 0;
        }

        var producer = connection.Producer;
        var deliveries = new Task<DeliveryResult<string, byte[]>>[pending.Count];
        for (var i = 0; i < pending.Count; i++)
        {
            deliveries[i] = producer.ProduceAsync(pending[i].Topic, ToKafkaMessage(pending[i]), cancellationToken);
        }

        // A delivered row is recorded as sent unless an earlier row of its key failed in this batch: publishing it
        // again after that one keeps the key's latest copy last in the log (what a compacted topic or a reader of the
        // latest state per key sees). A failure that may have reached the broker is sent again too. Both repeats are
        // counted; consumers drop them by eventId.
        var delivered = new List<long>(pending.Count);
        HashSet<string>? failedKeys = null;
        var repeats = 0;
        Exception? failure = null;
        for (var i = 0; i < deliveries.Length; i++)
        {
            try
            {
                var result = await deliveries[i];
                if (connection.IsEmbedded)
                {
                    backlogGuard.RecordProduced(result.TopicPartitionOffset, EstimatedSize(result.Message));
                }

                if (failedKeys?.Contains(pending[i].Key) == true)
                {
                    repeats++;
                }
                else
                {
                    delivered.Add(pending[i].Id);
                }
            }
            catch (ProduceException<string, byte[]> ex)
            {
                failure ??= ex;
                (failedKeys ??= []).Add(pending[i].Key);
                if (ex.DeliveryResult.Status != PersistenceStatus.NotPersisted)
                {
                    repeats++;
                }
            }
        }

        if (repeats > 0)
        {
            metrics.EventsRepublished.Add(repeats);
        }

        if (delivered.Count > 0)
        {
            foreach (var id in delivered)
            {
                _unmarked[id] = 0;
            }

            metrics.EventsProduced.Add(delivered.Count);
            _delivered.Writer.TryWrite(delivered);
        }

        if (failure is not null)
        {
            throw new KafkaPublishException(
                $"Published {delivered.Count} of {pending.Count} outbox rows; the rest stay pending ({repeats} of them may already be on Kafka).", failure);
        }

        return pending.Count;
    }

    /// <summary>Records delivered rows as sent, all batches delivered since the last time in one statement. If that
    /// fails the rows are published again later, which the consumers' processed-events records make harmless.</summary>
    private async Task RecordSentAsync()
    {
        var reader = _delivered.Reader;
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            var delivered = new List<long>();
            while (reader.TryRead(out var batch))
            {
                delivered.AddRange(batch);
            }

            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();

                // Through this process's write queue: SQLite's own busy handler sleeps up to 100 ms between tries.
                using var writeTurn = await SqliteWriteGate.EnterAsync(db, CancellationToken.None);
                var sentAt = clock.GetUtcNow();
                await db.OutboxMessages
                    .Where(m => delivered.Contains(m.Id))
                    .ExecuteUpdateAsync(m => m.SetProperty(x => x.SentAt, sentAt), CancellationToken.None);
            }
            catch (Exception ex)
            {
                metrics.ProducerErrors.Add(1);
                LogMarkFailed(ex, delivered.Count);
            }
            finally
            {
                foreach (var id in delivered)
                {
                    _unmarked.TryRemove(id, out _);
                }

                _recorded.Notify();
            }
        }
    }

    /// <summary>
    /// Marks pending again every sent row of the given topics that the given groups have not processed, for an
    /// embedded restart: the in-memory cluster starts empty. The groups' processed-events records make the repeats
    /// harmless for the groups that did process them.
    /// </summary>
    private static async Task<int> ReplayUnprocessedAsync(
        BookingDbContext db, IEnumerable<(string GroupId, string Topic)> scope, CancellationToken cancellationToken)
    {
        var replayed = 0;
        foreach (var (groupId, topic) in scope.Distinct())
        {
            replayed += await db.Database.ExecuteSqlInterpolatedAsync(
                $"""
                UPDATE "OutboxMessages" SET "SentAt" = NULL
                WHERE "SentAt" IS NOT NULL AND "Topic" = {topic}
                  AND NOT EXISTS (SELECT 1 FROM "ProcessedEvents" p
                                  WHERE p."GroupId" = {groupId} AND p."EventId" = "OutboxMessages"."EventId")
                """,
                cancellationToken);
        }

        return replayed;
    }

    /// <summary>The record the relay publishes for an outbox row: key, the JSON as committed, and the headers.</summary>
    public static Message<string, byte[]> ToKafkaMessage(OutboxMessage row) => new()
    {
        Key = row.Key,
        Value = Encoding.UTF8.GetBytes(row.Payload),
        Headers = new Headers
        {
            { KafkaHeaders.EventType, Encoding.UTF8.GetBytes(row.EventType) },
            { KafkaHeaders.EventId, Encoding.UTF8.GetBytes(row.EventId.ToString()) },
            { KafkaHeaders.TraceParent, Encoding.UTF8.GetBytes(row.TraceParent ?? NewTraceParent()) },
        },
    };

    /// <summary>An upper bound of what the record occupies on the cluster: key, value, headers and record overhead
    /// (compression only makes the real size smaller).</summary>
    private static int EstimatedSize(Message<string, byte[]> message) =>
        64 + Encoding.UTF8.GetByteCount(message.Key) + message.Value.Length
        + (message.Headers?.Sum(h => h.Key.Length + h.GetValueBytes().Length + 8) ?? 0);

    private static string NewTraceParent() =>
        $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox relay {Change} the publishing lease ({Owner})")]
    private partial void LogLeadership(string change, string owner);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded cluster started empty: {Count} sent outbox events not yet processed by every group will be published again")]
    private partial void LogReplay(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording {Count} delivered outbox rows as sent failed; they will be published again")]
    private partial void LogMarkFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing the outbox failed; retrying in {Backoff}")]
    private partial void LogPublishFailed(Exception exception, TimeSpan backoff);
}

public sealed class KafkaPublishException(string message, Exception inner) : Exception(message, inner);
