using System.Diagnostics;
using ConcertBooking.Messaging.Telemetry;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ConcertBooking.Messaging.Consumers;

/// <summary>
/// Turns a consumed batch into work for the group's handler: repairs gaps first (if the cluster offers a repair),
/// parks poison records, skips events of unknown types, and hands the events to the failure policy.
/// </summary>
internal sealed partial class BatchProcessor(
    ConsumerGroupRegistration group,
    IServiceScopeFactory scopes,
    RetryThenDeadLetter failurePolicy,
    MessagingMetrics metrics,
    TimeProvider clock,
    ILogger<BatchProcessor> logger,
    IRecordGapRepair? gapRepair = null)
{
    private static readonly KeyValuePair<string, object?> Kafka = new(MessagingTags.MessagingSystem, MessagingTags.SystemKafka);
    private static readonly KeyValuePair<string, object?> Process = new(MessagingTags.OperationName, "process");
    private readonly KeyValuePair<string, object?> _groupTag = MessagingMetrics.GroupTag(group.GroupId);

    public async Task ProcessAsync(ConsumedBatch batch, CancellationToken stoppingToken)
    {
        CountReceived(batch);
        await RepairGapsAsync(batch.Gaps, stoppingToken);

        var events = new List<ConsumedEvent>(batch.Entries.Count);
        foreach (var (decoded, record) in batch.Entries)
        {
            switch (decoded.Outcome)
            {
                case DecodeOutcome.Event:
                    events.Add(decoded.Event!);
                    break;
                case DecodeOutcome.UnknownType:
                    metrics.EventsSkipped.Add(1, _groupTag);
                    LogSkipped(group.GroupId, decoded.EventType, record!.TopicPartitionOffset);
                    break;
                default:
                    await failurePolicy.DeadLetterAsync(group.GroupId, DeadLetter.Of(record!), decoded.Error!, attempts: 0, stoppingToken);
                    break;
            }
        }

        await HandleAsync(events, stoppingToken);
    }

    private Task HandleAsync(IReadOnlyList<ConsumedEvent> events, CancellationToken stoppingToken) =>
        failurePolicy.HandleAsync(group.GroupId, events, InvokeHandlerAsync, RecordHandled, stoppingToken);

    private async Task RepairGapsAsync(List<(TopicPartition Partition, long From, long To)> gaps, CancellationToken stoppingToken)
    {
        foreach (var gap in gaps)
        {
            metrics.Gaps.Add(1, _groupTag);
            LogGap(group.GroupId, gap.Partition.ToString(), gap.From, gap.To, gapRepair is null ? "no repair is configured" : "repairing");
        }

        if (gapRepair is null)
        {
            return;
        }

        foreach (var topic in gaps.Select(g => g.Partition.Topic).Distinct())
        {
            var repaired = 0;
            await foreach (var events in gapRepair.RecoverAsync(group.GroupId, topic, stoppingToken))
            {
                await HandleAsync(events, stoppingToken);
                repaired += events.Count;
            }

            LogRepaired(group.GroupId, topic, repaired);
        }
    }

    private void CountReceived(ConsumedBatch batch)
    {
        if (!metrics.ConsumedMessages.Enabled)
        {
            return;
        }

        foreach (var (partition, count, _) in batch.Runs)
        {
            metrics.ConsumedMessages.Add(count, MessagingMetrics.Tags("receive", partition.Topic, group.GroupId, partition.Partition.Value));
        }
    }

    private async Task InvokeHandlerAsync(IReadOnlyList<ConsumedEvent> events)
    {
        var spans = MessagingActivities.StartProcess(group.GroupId, events);
        var started = Stopwatch.GetTimestamp();
        Exception? failure = null;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetRequiredKeyedService<IEventBatchHandler>(group.GroupId);

            // Not the stopping token: work that has started is finished and committed, so a shutdown never leaves a
            // half-handled batch behind.
            await handler.HandleAsync(events, CancellationToken.None);
        }
        catch (Exception ex)
        {
            failure = ex;
            throw;
        }
        finally
        {
            MessagingActivities.StopProcess(spans, failure);
            if (metrics.ProcessDuration.Enabled)
            {
                metrics.ProcessDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, _groupTag, Kafka, Process);
            }
        }
    }

    private void RecordHandled(IReadOnlyCollection<ConsumedEvent> handled)
    {
        metrics.EventsHandled.Add(handled.Count, _groupTag);

        // The latency needs each event's time, in its value: only events the handler read (decoded) are measured,
        // since decoding the others for the histogram alone would cost more than a no-op handler does.
        if (!metrics.CommitToHandled.Enabled)
        {
            return;
        }

        var now = clock.GetUtcNow();
        foreach (var consumed in handled)
        {
            if (consumed.IsDecoded)
            {
                metrics.CommitToHandled.Record((now - consumed.OccurredAt).TotalSeconds, _groupTag);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{GroupId}: skipped an event of unknown type {EventType} at {Position}")]
    private partial void LogSkipped(string groupId, string? eventType, TopicPartitionOffset position);

    [LoggerMessage(Level = LogLevel.Error, Message = "{GroupId}: the cluster no longer has unread records of {Partition} (offsets {From} to {To}); {Action}")]
    private partial void LogGap(string groupId, string partition, long from, long to, string action);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{GroupId}: repaired {Count} events of {Topic}")]
    private partial void LogRepaired(string groupId, string topic, int count);
}

/// <summary>
/// Where a group gets the events of a gap from, when the cluster can lose records no group has read (a development
/// cluster's size cap). Yields the topic's events in commit order; the group's handler skips those it already has.
/// </summary>
public interface IRecordGapRepair
{
    IAsyncEnumerable<IReadOnlyList<ConsumedEvent>> RecoverAsync(string groupId, string topic, CancellationToken cancellationToken);
}
