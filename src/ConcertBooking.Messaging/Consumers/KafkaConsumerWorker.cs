using System.Globalization;
using System.Text;
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
    IOptions<RetryOptions> retryOptions,
    IOptions<ConsumerLoopOptions> loopOptions,
    MessagingMetrics metrics,
    TimeProvider clock,
    ILogger<KafkaConsumerWorker> logger) : BackgroundService
{
    private readonly Dictionary<TopicPartition, TopicPartitionOffset> _uncommitted = [];
    private readonly KeyValuePair<string, object?> _groupTag = new("group", registration.GroupId);

    public string GroupId => registration.GroupId;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // librdkafka's Consume blocks; a dedicated thread keeps it off the thread pool.
        Task.Factory.StartNew(() => RunAsync(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        await connection.WaitReadyAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ConsumeUntilStoppedAsync(stoppingToken);
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
                await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task ConsumeUntilStoppedAsync(CancellationToken stoppingToken)
    {
        var loop = loopOptions.Value;
        using var consumer = new ConsumerBuilder<string?, byte[]?>(connection.ConsumerConfig(registration.GroupId))
            .SetPartitionsAssignedHandler((_, partitions) => LogAssigned(registration.GroupId, string.Join(", ", partitions)))
            .SetPartitionsRevokedHandler((c, partitions) =>
            {
                // Hand over exactly what was handled, so the next owner starts right after it.
                CommitUncommitted(c, partitions.Select(p => p.TopicPartition).ToHashSet());
                LogRevoked(registration.GroupId, string.Join(", ", partitions.Select(p => p.TopicPartition)));
            })
            .SetPartitionsLostHandler((_, partitions) =>
            {
                foreach (var partition in partitions)
                {
                    _uncommitted.Remove(partition.TopicPartition);
                }
            })
            .SetErrorHandler((_, error) => LogKafkaError(registration.GroupId, error.Code, error.Reason))
            .Build();

        _uncommitted.Clear();
        consumer.Subscribe(registration.Topics);
        var lastCommit = clock.GetUtcNow();
        var batch = new List<ConsumeResult<string?, byte[]?>>(loop.MaxBatchSize);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                batch.Clear();
                var first = consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (first is not null && !first.IsPartitionEOF)
                {
                    batch.Add(first);
                    while (batch.Count < loop.MaxBatchSize && consumer.Consume(TimeSpan.Zero) is { } next)
                    {
                        if (!next.IsPartitionEOF)
                        {
                            batch.Add(next);
                        }
                    }

                    // The batch is finished even when shutdown begins meanwhile (graceful drain); only retries'
                    // waits are cut short by it.
                    await ProcessBatchAsync(batch, stoppingToken);
                    foreach (var record in batch)
                    {
                        _uncommitted[record.TopicPartition] = new TopicPartitionOffset(record.TopicPartition, record.Offset + 1);
                    }
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
            CommitUncommitted(consumer, only: null);
            consumer.Close();
        }
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

    private async Task ProcessBatchAsync(List<ConsumeResult<string?, byte[]?>> batch, CancellationToken stoppingToken)
    {
        var events = new List<(ConsumeResult<string?, byte[]?> Record, ConsumedEvent Event)>(batch.Count);
        foreach (var record in batch)
        {
            var decoded = EventDecoder.Decode(record.Message.Value);
            switch (decoded.Outcome)
            {
                case DecodeOutcome.Event:
                    events.Add((record, new ConsumedEvent(decoded.Event!, record.Topic, record.Partition.Value, record.Offset.Value, record.Message.Key)
                    {
                        Value = record.Message.Value,
                    }));
                    break;
                case DecodeOutcome.UnknownType:
                    metrics.EventsSkipped.Add(1, _groupTag);
                    LogSkipped(registration.GroupId, decoded.EventType, record.TopicPartitionOffset);
                    break;
                default:
                    await DeadLetterAsync(record, decoded.Error!, attempts: 0, stoppingToken);
                    break;
            }
        }

        if (events.Count == 0)
        {
            return;
        }

        try
        {
            await HandleAsync(events.Select(e => e.Event).ToList());
            RecordHandled(events.Select(e => e.Event));
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
        foreach (var (record, consumed) in events)
        {
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
                        await DeadLetterAsync(record, ex, attempt, stoppingToken);
                        break;
                    }

                    metrics.Retries.Add(1, _groupTag);
                    LogRetrying(ex, registration.GroupId, record.TopicPartitionOffset, attempt, retry.Backoff);
                    await Task.Delay(retry.Backoff, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
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

    private void RecordHandled(IEnumerable<ConsumedEvent> handled)
    {
        var now = clock.GetUtcNow();
        foreach (var consumed in handled)
        {
            metrics.EventsConsumed.Add(1, _groupTag);
            metrics.CommitToHandled.Record((now - consumed.Event.OccurredAt).TotalMilliseconds, _groupTag);
        }
    }

    private async Task DeadLetterAsync(ConsumeResult<string?, byte[]?> record, Exception error, int attempts, CancellationToken stoppingToken)
    {
        var headers = new Headers();
        foreach (var header in record.Message.Headers ?? [])
        {
            headers.Add(header.Key, header.GetValueBytes());
        }

        void Add(string key, string value) => headers.Add(key, Encoding.UTF8.GetBytes(value));
        Add(KafkaHeaders.DeadLetterOriginalTopic, record.Topic);
        Add(KafkaHeaders.DeadLetterOriginalPartition, record.Partition.Value.ToString(CultureInfo.InvariantCulture));
        Add(KafkaHeaders.DeadLetterOriginalOffset, record.Offset.Value.ToString(CultureInfo.InvariantCulture));
        Add(KafkaHeaders.DeadLetterGroup, registration.GroupId);
        Add(KafkaHeaders.DeadLetterExceptionType, error.GetType().FullName ?? error.GetType().Name);
        Add(KafkaHeaders.DeadLetterExceptionMessage, error.Message);
        Add(KafkaHeaders.DeadLetterAttempts, attempts.ToString(CultureInfo.InvariantCulture));
        Add(KafkaHeaders.DeadLetterFailedAt, clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));

        var message = new Message<string?, byte[]?> { Key = record.Message.Key, Value = record.Message.Value, Headers = headers };
        var deadLetterTopic = TopicNames.DeadLetterFor(record.Topic);

        // The offset is committed past this record only once the dead letter is safely stored.
        for (var backoff = TimeSpan.FromMilliseconds(200); ; backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks)))
        {
            try
            {
                await connection.DeadLetterProducer.ProduceAsync(deadLetterTopic, message, CancellationToken.None);
                metrics.DeadLettered.Add(1, _groupTag);
                LogDeadLettered(registration.GroupId, record.TopicPartitionOffset, deadLetterTopic, error.Message);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "{GroupId}: committing offsets failed; they stay pending")]
    private partial void LogCommitFailed(Exception exception, string groupId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{GroupId}: skipped an event of unknown type {EventType} at {Position}")]
    private partial void LogSkipped(string groupId, string? eventType, TopicPartitionOffset position);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{GroupId}: a batch of {Count} events failed; handling them one by one")]
    private partial void LogBatchFailed(Exception exception, string groupId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{GroupId}: {Position} failed (attempt {Attempt}); retrying in {Backoff}")]
    private partial void LogRetrying(Exception exception, string groupId, TopicPartitionOffset position, int attempt, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Error, Message = "{GroupId}: {Position} parked on {DeadLetterTopic}: {Reason}")]
    private partial void LogDeadLettered(string groupId, TopicPartitionOffset position, string deadLetterTopic, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{GroupId}: producing to {DeadLetterTopic} failed; retrying")]
    private partial void LogDeadLetterFailed(Exception exception, string groupId, string deadLetterTopic);
}
