using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Messaging.Outbox;
using Microsoft.Extensions.Options;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ConcertBooking.Messaging.Embedded;

/// <summary>
/// Measures what the embedded cluster holds unread. librdkafka's mock keeps at most 5 MiB and 100,000 records per
/// partition and deletes the oldest beyond that, read or not. Per partition, the unread backlog runs from the
/// slowest group's committed offset to the end, counted in the sizes the relay itself produced. Operators see it in
/// the admin view; with <c>Kafka:Embedded:HoldBackWhenLagging</c> the relay also keeps new rows in the outbox while
/// any partition's backlog is over half the cap (no gap can then occur, at the price of pacing every group to the
/// slowest). Without it, a gap is repaired by the lagging group itself (see <see cref="OutboxGapRepair{TContext}"/>).
/// </summary>
internal sealed partial class EmbeddedBacklogGuard(
    KafkaConnection connection,
    IEnumerable<ConsumerGroupSubscription> groups,
    IOptions<EmbeddedKafkaOptions> options,
    ILogger<EmbeddedBacklogGuard> logger) : IPublishPacer, IDisposable
{
    /// <summary>The mock's hard-coded per-partition limits (rdkafka_mock.c).</summary>
    public const long CapBytes = 5 * 1024 * 1024;
    public const long CapRecords = 100_000;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly Lock _gate = new();
    private readonly Dictionary<TopicPartition, SortedList<long, int>> _produced = [];
    private readonly Dictionary<string, IConsumer<Ignore, Ignore>> _offsetReaders = [];

    /// <summary>Half the cap leaves room for a full relay batch and for the DLT records consumers add.</summary>
    public long ThresholdBytes { get; init; } = CapBytes / 2;

    public long ThresholdRecords { get; init; } = CapRecords / 2;

    public bool IsHoldingBack { get; private set; }

    public void Delivered(DeliveryResult<string, byte[]> delivery) =>
        RecordProduced(delivery.TopicPartitionOffset, EstimatedSize(delivery.Message));

    /// <summary>An upper bound of what the record occupies on the cluster: key, value, headers and record overhead
    /// (compression only makes the real size smaller).</summary>
    private static int EstimatedSize(Message<string, byte[]> message) =>
        64 + System.Text.Encoding.UTF8.GetByteCount(message.Key) + message.Value.Length
        + (message.Headers?.Sum(h => h.Key.Length + h.GetValueBytes().Length + 8) ?? 0);

    /// <summary>Notes a record the relay put on the cluster, with the bytes it occupies there (at most).</summary>
    public void RecordProduced(TopicPartitionOffset position, int bytes)
    {
        lock (_gate)
        {
            if (!_produced.TryGetValue(position.TopicPartition, out var offsets))
            {
                _produced[position.TopicPartition] = offsets = [];
            }

            offsets[position.Offset.Value] = bytes;
        }
    }

    /// <summary>True when a batch may be published now; false while the backlog is over the threshold.</summary>
    public bool HasRoom()
    {
        if (!options.Value.HoldBackWhenLagging)
        {
            return true;
        }

        if (!IsHoldingBack && !LedgerNearThreshold())
        {
            // The unread backlog is at most what is remembered as produced: no need to ask the groups.
            return true;
        }

        var backlog = MeasureBacklog();
        var over = backlog.Where(b => b.Bytes >= ThresholdBytes || b.Records >= ThresholdRecords).ToList();
        var holding = over.Count > 0;
        if (holding != IsHoldingBack)
        {
            if (holding)
            {
                var worst = over.MaxBy(b => b.Bytes)!;
                LogHolding(worst.Topic, worst.Partition, worst.Bytes, worst.Records, worst.SlowestGroup);
            }
            else
            {
                LogResuming();
            }
        }

        IsHoldingBack = holding;
        return !holding;
    }

    private bool LedgerNearThreshold()
    {
        lock (_gate)
        {
            return _produced.Values.Any(o => o.Count >= ThresholdRecords || o.Values.Sum(v => (long)v) >= ThresholdBytes);
        }
    }

    public List<PartitionBacklog> MeasureBacklog()
    {
        var slowest = new Dictionary<TopicPartition, (long Offset, string Group)>();
        foreach (var group in groups.DistinctBy(g => g.GroupId))
        {
            foreach (var committed in Committed(group))
            {
                // No commit yet means the group will read from the start: everything produced is unread.
                var offset = committed.Offset.IsSpecial ? 0 : committed.Offset.Value;
                if (!slowest.TryGetValue(committed.TopicPartition, out var current) || offset < current.Offset)
                {
                    slowest[committed.TopicPartition] = (offset, group.GroupId);
                }
            }
        }

        var backlog = new List<PartitionBacklog>();
        lock (_gate)
        {
            foreach (var (partition, offsets) in _produced)
            {
                if (!slowest.TryGetValue(partition, out var floor))
                {
                    continue;
                }

                // Everything every group has read no longer counts (and need not be remembered).
                while (offsets.Count > 0 && offsets.Keys[0] < floor.Offset)
                {
                    offsets.RemoveAt(0);
                }

                long bytes = 0;
                foreach (var size in offsets.Values)
                {
                    bytes += size;
                }

                backlog.Add(new PartitionBacklog(partition.Topic, partition.Partition.Value, offsets.Count, bytes, floor.Group));
            }
        }

        return backlog;
    }

    private List<TopicPartitionOffset> Committed(ConsumerGroupSubscription group)
    {
        IConsumer<Ignore, Ignore> reader;
        lock (_gate)
        {
            if (!_offsetReaders.TryGetValue(group.GroupId, out reader!))
            {
                // Never subscribes, so it only reads the group's offsets and never joins or disturbs the group.
                _offsetReaders[group.GroupId] = reader = new ConsumerBuilder<Ignore, Ignore>(connection.ConsumerConfig(group.GroupId))
                    .SetLogHandler((_, m) => connection.ClientLog.Write(m)).Build();
            }
        }

        var partitions = group.Topics.SelectMany(t => Enumerable.Range(0, connection.PartitionCount).Select(p => new TopicPartition(t, p))).ToList();
        return reader.Committed(partitions, Timeout);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var reader in _offsetReaders.Values)
            {
                reader.Dispose();
            }

            _offsetReaders.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded Kafka: holding new events in the outbox; {Topic}[{Partition}] has {Bytes} bytes / {Records} records unread by {Group}")]
    private partial void LogHolding(string topic, int partition, long bytes, long records, string group);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded Kafka: consumer groups caught up; publishing resumes")]
    private partial void LogResuming();
}
