using System.Diagnostics;
using System.Globalization;
using System.Text;
using ConcertBooking.Contracts;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Messaging.Consumers;

/// <summary>
/// The consumer loop of one group (seed 7.5, 7.7), at least once: a record's offset is committed only after its
/// batch was handled or the record was dead-lettered. A failing batch is retried record by record; a record that
/// still fails after the retry budget is parked on <c>&lt;topic&gt;.DLT</c> and the partition moves on, so a poison
/// record delays its partition by at most the budget and never stops it.
/// </summary>
public sealed partial class KafkaConsumerWorker(
    ConsumerGroupRegistration registration,
    KafkaConnection connection,
    IServiceScopeFactory scopes,
    OutboxCatchUp catchUp,
    IOptions<RetryOptions> retryOptions,
    IOptions<ConsumerLoopOptions> loopOptions,
    MessagingMetrics metrics,
    TimeProvider clock,
    ILogger<KafkaConsumerWorker> logger) : BackgroundService
{
    private readonly Dictionary<TopicPartition, TopicPartitionOffset> _uncommitted = [];

    // The offset each assigned partition should deliver next; a record beyond it means the cluster dropped records
    // this group never read (a gap), which are then replayed from the outbox.
    private readonly Dictionary<TopicPartition, long> _expected = [];
    private readonly KeyValuePair<string, object?> _groupTag = new("group", registration.GroupId);

    // The batch being handled while the consume thread reads the next one.
    private Task? _handling;
    private ConsumedBatch? _handlingBatch;

    public string GroupId => registration.GroupId;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // librdkafka's Consume blocks: the loop runs synchronously on a thread of its own, so a group never holds a
        // thread-pool thread (two cores here, three groups per process by default).
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        try
        {
            connection.WaitReadyAsync(stoppingToken).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                ConsumeUntilStopped(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Nothing may end the loop for good: log, rebuild the consumer and resume from the committed offsets.
                metrics.ConsumerStopped.Add(1, _groupTag);
                LogLoopFailed(ex, registration.GroupId);
                stoppingToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
            }
        }
    }

    private void ConsumeUntilStopped(CancellationToken stoppingToken)
    {
        var loop = loopOptions.Value;
        using var consumer = new ConsumerBuilder<string?, byte[]?>(connection.ConsumerConfig(registration.GroupId))
            .SetPartitionsAssignedHandler((c, partitions) =>
            {
                foreach (var committed in c.Committed(partitions, TimeSpan.FromSeconds(10)))
                {
                    // No commit yet: the group has read nothing, so everything from offset 0 is owed to it.
                    _expected[committed.TopicPartition] = committed.Offset.IsSpecial ? 0 : committed.Offset.Value;
                }

                LogAssigned(registration.GroupId, string.Join(", ", partitions));
            })
            .SetPartitionsRevokedHandler((c, partitions) =>
            {
                // The batch in flight may hold records of these partitions: finish it first.
                SettleHandling();

                // Hand over exactly what was handled, so the next owner starts right after it. If that commit fails
                // the offsets are dropped all the same: committed later, for partitions another member owns by
                // then, they could move the group backwards. The next owner re-reads a little instead (harmless).
                CommitUncommitted(c, partitions.Select(p => p.TopicPartition).ToHashSet());
                foreach (var partition in partitions)
                {
                    _uncommitted.Remove(partition.TopicPartition);
                    _expected.Remove(partition.TopicPartition);
                }

                LogRevoked(registration.GroupId, string.Join(", ", partitions.Select(p => p.TopicPartition)));
            })
            .SetPartitionsLostHandler((_, partitions) =>
            {
                // Another member owns them already: the batch in flight is finished, but its offsets for them are
                // dropped below, never committed over the new owner's.
                SettleHandling();
                foreach (var partition in partitions)
                {
                    _uncommitted.Remove(partition.TopicPartition);
                    _expected.Remove(partition.TopicPartition);
                }
            })
            .SetErrorHandler((_, error) => LogKafkaError(registration.GroupId, error.Code, error.Reason))
            .Build();

        _uncommitted.Clear();
        _expected.Clear();
        consumer.Subscribe(registration.Topics);
        var lastCommit = clock.GetUtcNow();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var first = consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (first is not null && !first.IsPartitionEOF)
                {
                    var batch = new ConsumedBatch(_expected);
                    batch.Add(first);
                    // Real time, not the TimeProvider: librdkafka waits in real time.
                    var lingering = Stopwatch.StartNew();
                    while (batch.Entries.Count < loop.MaxBatchSize)
                    {
                        // A backlog is read without looking at the clock; only an empty queue waits out the linger.
                        var next = consumer.Consume(0);
                        if (next is null)
                        {
                            var left = loop.BatchLinger - lingering.Elapsed;
                            next = left > TimeSpan.Zero ? consumer.Consume(left) : null;
                            if (next is null)
                            {
                                break;
                            }
                        }

                        if (!next.IsPartitionEOF)
                        {
                            batch.Add(next);
                        }
                    }

                    batch.Seal();
                    foreach (var (partition, next) in batch.NextOffsets)
                    {
                        _expected[partition] = next;
                    }

                    SettleHandling();
                    _handlingBatch = batch;
                    if (batch.Entries.Count >= loop.OverlapFrom)
                    {
                        // A large batch means a backlog: read the next one while this one is handled (one batch in
                        // flight, so batches stay in order).
                        _handling = Task.Run(() => HandleBatchAsync(batch, stoppingToken), CancellationToken.None);
                    }
                    else
                    {
                        // Steady traffic: overlapping would only add a thread hop to every event's latency.
                        _handling = HandleBatchAsync(batch, stoppingToken);
                        SettleHandling();
                    }
                }
                else
                {
                    // Nothing new to overlap with.
                    SettleHandling();
                }

                if (_handling is { IsCompleted: true })
                {
                    SettleHandling();
                }

                if (_uncommitted.Count > 0 && clock.GetUtcNow() - lastCommit >= loop.CommitInterval)
                {
                    CommitUncommitted(consumer, only: null);
                    lastCommit = clock.GetUtcNow();
                }
            }
        }
        finally
        {
            // Graceful drain: the batch in flight is finished and committed (unless it failed, or a record of it is
            // failing while shutdown begins: then it stays uncommitted for the next owner).
            try
            {
                SettleHandling();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogBatchAbandoned(ex, registration.GroupId);
            }
            catch (OperationCanceledException)
            {
                // Shutting down mid-retry: see HandleWithRetriesAsync.
            }

            CommitUncommitted(consumer, only: null);
            consumer.Close();
        }
    }

    /// <summary>Waits for the batch in flight and marks its offsets handled. A failure propagates: the consumer is
    /// rebuilt and resumes from the committed offsets.</summary>
    private void SettleHandling()
    {
        if (_handling is not { } handling)
        {
            return;
        }

        var batch = _handlingBatch!;
        _handling = null;
        _handlingBatch = null;
        handling.GetAwaiter().GetResult();
        foreach (var (partition, next) in batch.NextOffsets)
        {
            _uncommitted[partition] = new TopicPartitionOffset(partition, next);
        }
    }

    private async Task HandleBatchAsync(ConsumedBatch batch, CancellationToken stoppingToken)
    {
        await CatchUpGapsAsync(batch.Gaps, stoppingToken);
        await ProcessBatchAsync(batch.Entries, stoppingToken);
    }

    private void CommitUncommitted(IConsumer<string?, byte[]?> consumer, HashSet<TopicPartition>? only)
    {
        var offsets = _uncommitted.Values.Where(o => only is null || only.Contains(o.TopicPartition)).ToList();
        if (offsets.Count == 0)
        {
            return;
        }

        try
        {
            consumer.Commit(offsets);
            foreach (var offset in offsets)
            {
                _uncommitted.Remove(offset.TopicPartition);
            }
        }
        catch (KafkaException ex)
        {
            // Not fatal: the offsets stay pending and are committed next time; at worst records are redelivered,
            // which the handlers' idempotency absorbs.
            LogCommitFailed(ex, registration.GroupId);
        }
    }

    private async Task CatchUpGapsAsync(List<(TopicPartition Partition, long From, long To)> gaps, CancellationToken stoppingToken)
    {
        foreach (var topic in gaps.Select(g => g.Partition.Topic).Distinct())
        {
            foreach (var gap in gaps.Where(g => g.Partition.Topic == topic))
            {
                metrics.EmbeddedGaps.Add(1, _groupTag);
                LogGap(registration.GroupId, gap.Partition.ToString(), gap.From, gap.To);
            }

            // Everything of the topic this group has not processed, in commit order; what Kafka still holds of it
            // arrives again afterwards and is recognised as processed.
            var replayed = 0;
            await foreach (var events in catchUp.UnprocessedAsync(registration.GroupId, topic, loopOptions.Value.MaxBatchSize, stoppingToken))
            {
                await HandleWithRetriesAsync(events, stoppingToken);
                replayed += events.Count;
            }

            LogCaughtUp(registration.GroupId, topic, replayed);
        }
    }

    private async Task ProcessBatchAsync(List<(Decoded Decoded, ConsumeResult<string?, byte[]?>? Record)> entries, CancellationToken stoppingToken)
    {
        var events = new List<ConsumedEvent>(entries.Count);
        foreach (var (decoded, record) in entries)
        {
            switch (decoded.Outcome)
            {
                case DecodeOutcome.Event:
                    events.Add(decoded.Event!);
                    break;
                case DecodeOutcome.UnknownType:
                    metrics.EventsSkipped.Add(1, _groupTag);
                    LogSkipped(registration.GroupId, decoded.EventType, record!.TopicPartitionOffset);
                    break;
                default:
                    await DeadLetterAsync(DeadLetter.Of(record!), decoded.Error!, attempts: 0, stoppingToken);
                    break;
            }
        }

        await HandleWithRetriesAsync(events, stoppingToken);
    }

    /// <summary>Handles events as one batch; if that fails, one by one with the retry budget, dead-lettering what
    /// still fails.</summary>
    private async Task HandleWithRetriesAsync(IReadOnlyList<ConsumedEvent> events, CancellationToken stoppingToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        try
        {
            await HandleAsync(events);
            RecordHandled(events);
            return;
        }
        catch (Exception ex)
        {
            metrics.HandlerFailures.Add(1, _groupTag);
            LogBatchFailed(ex, registration.GroupId, events.Count);
        }

        // Isolate the failure: each record on its own, with the retry budget, so one poison record cannot hold
        // back the good ones around it.
        var retry = retryOptions.Value;
        foreach (var consumed in events)
        {
            // A record whose envelope was readable but whose event is not: retrying cannot help.
            if (!consumed.TryDecode(out var undecodable))
            {
                await DeadLetterAsync(DeadLetter.Of(consumed), undecodable!, attempts: 0, stoppingToken);
                continue;
            }

            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await HandleAsync([consumed]);
                    RecordHandled([consumed]);
                    break;
                }
                catch (Exception ex)
                {
                    metrics.HandlerFailures.Add(1, _groupTag);
                    if (attempt > retry.Attempts)
                    {
                        await DeadLetterAsync(DeadLetter.Of(consumed), ex, attempt, stoppingToken);
                        break;
                    }

                    // Shutting down: retrying without the backoff would dead-letter a record whose failure may be
                    // passing (a database failover during a deploy). Leave the batch uncommitted instead; the next
                    // owner gets it again with the full budget, and handlers are idempotent for what was done.
                    stoppingToken.ThrowIfCancellationRequested();
                    metrics.Retries.Add(1, _groupTag);
                    LogRetrying(ex, registration.GroupId, consumed.Topic, consumed.Partition, consumed.Offset, attempt, retry.Backoff);
                    await Task.Delay(retry.Backoff, clock, stoppingToken);
                }
            }
        }
    }

    private async Task HandleAsync(IReadOnlyList<ConsumedEvent> events)
    {
        await using var scope = scopes.CreateAsyncScope();
        var handler = registration.CreateHandler(scope.ServiceProvider, registration.GroupId);

        // Not the stopping token: work that has started is finished and committed, so a shutdown never leaves a
        // half-handled batch behind.
        await handler.HandleAsync(events, CancellationToken.None);
    }

    private void RecordHandled(IReadOnlyCollection<ConsumedEvent> handled)
    {
        metrics.EventsConsumed.Add(handled.Count, _groupTag);

        // The latency needs each event's time, which a handler that never read the event has not decoded yet:
        // only worth it when someone collects the histogram.
        if (!metrics.CommitToHandled.Enabled)
        {
            return;
        }

        var now = clock.GetUtcNow();
        foreach (var consumed in handled)
        {
            if (consumed.TryDecode(out _))
            {
                metrics.CommitToHandled.Record((now - consumed.OccurredAt).TotalMilliseconds, _groupTag);
            }
        }
    }

    private async Task DeadLetterAsync(DeadLetter record, Exception error, int attempts, CancellationToken stoppingToken)
    {
        var headers = new Headers();
        foreach (var header in record.Headers)
        {
            headers.Add(header.Key, header.GetValueBytes());
        }

        void Add(string key, string value) => headers.Add(key, Encoding.UTF8.GetBytes(value));
        Add(KafkaHeaders.DeadLetterOriginalTopic, record.Topic);
        Add(KafkaHeaders.DeadLetterOriginalPartition, record.Partition.ToString(CultureInfo.InvariantCulture));
        Add(KafkaHeaders.DeadLetterOriginalOffset, record.Offset.ToString(CultureInfo.InvariantCulture));
        Add(KafkaHeaders.DeadLetterGroup, registration.GroupId);
        Add(KafkaHeaders.DeadLetterExceptionType, error.GetType().FullName ?? error.GetType().Name);
        Add(KafkaHeaders.DeadLetterExceptionMessage, error.Message);
        Add(KafkaHeaders.DeadLetterAttempts, attempts.ToString(CultureInfo.InvariantCulture));
        Add(KafkaHeaders.DeadLetterFailedAt, clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));

        var message = new Message<string?, byte[]?> { Key = record.Key, Value = record.Value, Headers = headers };
        var deadLetterTopic = TopicNames.DeadLetterFor(record.Topic);

        // The offset is committed past this record only once the dead letter is safely stored.
        for (var backoff = TimeSpan.FromMilliseconds(200); ; backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks)))
        {
            try
            {
                await connection.DeadLetterProducer.ProduceAsync(deadLetterTopic, message, CancellationToken.None);
                metrics.DeadLettered.Add(1, _groupTag);
                LogDeadLettered(registration.GroupId, new TopicPartitionOffset(record.Topic, record.Partition, record.Offset), deadLetterTopic, error.Message);
                return;
            }
            catch (ProduceException<string?, byte[]?> ex)
            {
                LogDeadLetterFailed(ex, registration.GroupId, deadLetterTopic);
                stoppingToken.ThrowIfCancellationRequested();
                await Task.Delay(backoff, clock, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{GroupId}: assigned {Partitions}")]
    private partial void LogAssigned(string groupId, string partitions);

    [LoggerMessage(Level = LogLevel.Information, Message = "{GroupId}: revoked {Partitions}")]
    private partial void LogRevoked(string groupId, string partitions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{GroupId}: Kafka reports {Code}: {Reason}")]
    private partial void LogKafkaError(string groupId, ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{GroupId}: the consumer loop failed; restarting it")]
    private partial void LogLoopFailed(Exception exception, string groupId);

    [LoggerMessage(Level = LogLevel.Error, Message = "{GroupId}: the batch in flight at shutdown failed; it stays uncommitted")]
    private partial void LogBatchAbandoned(Exception exception, string groupId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{GroupId}: committing offsets failed; they stay pending")]
    private partial void LogCommitFailed(Exception exception, string groupId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{GroupId}: skipped an event of unknown type {EventType} at {Position}")]
    private partial void LogSkipped(string groupId, string? eventType, TopicPartitionOffset position);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{GroupId}: a batch of {Count} events failed; handling them one by one")]
    private partial void LogBatchFailed(Exception exception, string groupId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{GroupId}: {Topic} [{Partition}] @{Offset} failed (attempt {Attempt}); retrying in {Backoff}")]
    private partial void LogRetrying(Exception exception, string groupId, string topic, int partition, long offset, int attempt, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Error, Message = "{GroupId}: the cluster dropped unread records of {Partition} (offsets {From} to {To}); replaying them from the outbox")]
    private partial void LogGap(string groupId, string partition, long from, long to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{GroupId}: caught up {Count} events of {Topic} from the outbox")]
    private partial void LogCaughtUp(string groupId, string topic, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "{GroupId}: {Position} parked on {DeadLetterTopic}: {Reason}")]
    private partial void LogDeadLettered(string groupId, TopicPartitionOffset position, string deadLetterTopic, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{GroupId}: producing to {DeadLetterTopic} failed; retrying")]
    private partial void LogDeadLetterFailed(Exception exception, string groupId, string deadLetterTopic);
}

/// <summary>A record to park on its dead-letter topic, as it came: from Kafka, or (an event replayed from the outbox,
/// offset -1) as the outbox holds it.</summary>
internal sealed record DeadLetter(string Topic, int Partition, long Offset, string? Key, byte[]? Value, Headers Headers)
{
    public static DeadLetter Of(ConsumeResult<string?, byte[]?> record) => new(
        record.Topic, record.Partition.Value, record.Offset.Value, record.Message.Key, record.Message.Value, record.Message.Headers ?? []);

    public static DeadLetter Of(ConsumedEvent consumed) => new(
        consumed.Topic, consumed.Partition, consumed.Offset, consumed.Key,
        consumed.Value.IsEmpty ? EventSerializer.SerializeToUtf8Bytes(consumed.Event) : consumed.Value.ToArray(),
        consumed.RecordHeaders());
}
