using ConcertBooking.Messaging;
using Confluent.Kafka;

namespace ConcertBooking.Operations.Messages;

/// <summary>
/// Reads records straight from partitions, as an independent reader: partitions are assigned, never subscribed, so
/// no group is joined, nothing is committed and the consumer groups being looked at are not disturbed.
/// </summary>
public sealed class TopicReader(KafkaConnection connection)
{
    /// <summary>How long a broker may keep us waiting for metadata, watermarks or the next record.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>A consumer for this process's operators, with the cluster's settings but no commits.</summary>
    public IConsumer<byte[]?, byte[]?> CreateConsumer()
    {
        var config = connection.ConsumerConfig("concertbooking-ops-reader");
        config.EnableAutoCommit = false;
        config.EnablePartitionEof = false;
        return new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
    }

    /// <summary>The topic's partition ids, in order; empty when the cluster does not know the topic.</summary>
    public IReadOnlyList<int> Partitions(string topic)
    {
        using var admin = new AdminClientBuilder(connection.AdminConfig()).Build();
        var metadata = admin.GetMetadata(topic, Timeout).Topics.SingleOrDefault(t => t.Topic == topic);
        return metadata is null || metadata.Error.IsError ? [] : metadata.Partitions.Select(p => p.PartitionId).Order().ToList();
    }

    /// <summary>
    /// Reads one partition from <paramref name="start"/> (clamped to what the partition still holds) up to its end as
    /// it was when reading began, handing each record to <paramref name="visit"/> until it returns false. Returns
    /// the offset to continue from, or null when the partition was read to that end.
    /// </summary>
    public long? Scan(
        IConsumer<byte[]?, byte[]?> consumer, TopicPartition partition, long start,
        Func<ConsumeResult<byte[]?, byte[]?>, bool> visit, CancellationToken cancellationToken)
    {
        var watermarks = consumer.QueryWatermarkOffsets(partition, Timeout);
        var position = Math.Max(start, watermarks.Low.Value);
        if (position >= watermarks.High.Value)
        {
            return null;
        }

        consumer.Assign(new TopicPartitionOffset(partition, position));
        try
        {
            while (position < watermarks.High.Value)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var record = consumer.Consume(Timeout);
                if (record is null)
                {
                    // The broker went quiet before the end it announced: stop here, where the next read resumes.
                    return position;
                }

                position = record.Offset.Value + 1;
                if (!visit(record))
                {
                    return position < watermarks.High.Value ? position : null;
                }
            }

            return null;
        }
        finally
        {
            consumer.Unassign();
        }
    }
}
