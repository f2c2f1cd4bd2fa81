using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ConcertBooking.Messaging.Consumers;

/// <summary>
/// At most one batch in flight. A large batch (a backlog) is handled while the consumer reads the next one; a smaller
/// one means the group has caught up, and is handled on the consumer's thread, since a thread hop would only add to
/// every event's latency. A settled batch's offsets are stored for librdkafka's next commit.
/// </summary>
internal sealed class ReadAhead(BatchProcessor processor, GroupLag lag, int overlapFrom, CancellationToken stoppingToken)
{
    private Task? _handling;
    private ConsumedBatch? _batch;

    public void Start(IConsumer<string?, byte[]?> consumer, ConsumedBatch batch)
    {
        Settle(consumer);
        _batch = batch;
        if (batch.Entries.Count >= overlapFrom)
        {
            _handling = Task.Run(() => processor.ProcessAsync(batch, stoppingToken), CancellationToken.None);
            return;
        }

        _handling = processor.ProcessAsync(batch, stoppingToken);
        Settle(consumer);
    }

    /// <summary>Waits for the batch in flight and stores its offsets. A failure propagates: the consumer is rebuilt
    /// and resumes from the committed offsets.</summary>
    public void Settle(IConsumer<string?, byte[]?> consumer)
    {
        if (_handling is not { } handling)
        {
            return;
        }

        var batch = _batch!;
        _handling = null;
        _batch = null;
        handling.GetAwaiter().GetResult();
        foreach (var (partition, next) in batch.NextOffsets)
        {
            try
            {
                consumer.StoreOffset(new TopicPartitionOffset(partition, next));
            }
            catch (KafkaException ex) when (ex.Error.Code == ErrorCode.Local_State)
            {
                // No longer assigned (lost to another member): its new owner reads these records again, which the
                // handlers' idempotency absorbs.
            }
        }

        lag.Handled(batch, consumer);
    }

    /// <summary>At shutdown: a batch that fails (or is still retrying when shutdown begins) stays unstored, so the
    /// next owner gets it again with the full retry budget.</summary>
    public void SettleQuietly(IConsumer<string?, byte[]?> consumer, ILogger logger, string groupId)
    {
        try
        {
            Settle(consumer);
        }
        catch (OperationCanceledException)
        {
            // Shutting down mid-retry: see RetryThenDeadLetter.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "{GroupId}: the batch in flight at shutdown failed; it stays uncommitted", groupId);
        }
    }
}
