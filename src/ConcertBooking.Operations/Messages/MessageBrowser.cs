using System.Diagnostics;
using Confluent.Kafka;

namespace ConcertBooking.Operations.Messages;

/// <summary>Pages through a topic's records with filters, reading from Kafka as an independent reader (see
/// <see cref="TopicReader"/>). A filter that matches little stops after <see cref="ScanBudget"/> records or
/// <see cref="TimeBudget"/> and says where to go on.</summary>
public sealed class MessageBrowser(TopicReader reader)
{
    public const int ScanBudget = 100_000;
    public static readonly TimeSpan TimeBudget = TimeSpan.FromSeconds(10);

    /// <summary>The topic's partitions, empty when the cluster does not know it.</summary>
    public Task<IReadOnlyList<int>> PartitionsAsync(string topic, CancellationToken cancellationToken) =>
        Task.Run(() => reader.Partitions(topic), cancellationToken);

    public Task<MessagePage> BrowseAsync(string topic, IReadOnlyList<int> partitions, MessageQuery query, CancellationToken cancellationToken) =>
        Task.Run(() => Browse(topic, partitions, query, cancellationToken), cancellationToken);

    private MessagePage Browse(string topic, IReadOnlyList<int> partitions, MessageQuery query, CancellationToken cancellationToken)
    {
        var items = new List<MessageView>();
        var scanned = 0;
        var clock = Stopwatch.StartNew();
        using var consumer = reader.CreateConsumer();
        var walk = query.Partition is { } only ? [only] : partitions.Where(p => query.Cursor is null || p >= query.Cursor.Partition).ToList();
        foreach (var partition in walk)
        {
            var start = query.Cursor is { } cursor && cursor.Partition == partition ? cursor.Offset : StartOf(consumer, topic, partition, query);
            var stoppedAt = reader.Scan(consumer, new TopicPartition(topic, partition), start, record =>
            {
                scanned++;
                if (query.Matches(record))
                {
                    items.Add(RecordText.View(record));
                }

                return items.Count < query.Limit && scanned < ScanBudget && clock.Elapsed < TimeBudget;
            }, cancellationToken);
            if (stoppedAt is { } offset)
            {
                consumer.Close();
                return new MessagePage(items, new TopicPosition(partition, offset));
            }
        }

        consumer.Close();
        return new MessagePage(items, null);
    }

    /// <summary>The first offset to read: the one asked for, or the first from the time asked for (the cluster's
    /// time index; where it has no answer, the partition's beginning, and the time filter does the rest).</summary>
    private static long StartOf(IConsumer<byte[]?, byte[]?> consumer, string topic, int partition, MessageQuery query)
    {
        if (query.Offset is { } offset)
        {
            return offset;
        }

        if (query.From is not { } from)
        {
            return 0;
        }

        try
        {
            var found = consumer.OffsetsForTimes(
                [new TopicPartitionTimestamp(topic, partition, new Timestamp(from))], TopicReader.Timeout).SingleOrDefault();
            return found is { Offset.IsSpecial: false } ? found.Offset.Value : 0;
        }
        catch (KafkaException)
        {
            return 0;
        }
    }
}
