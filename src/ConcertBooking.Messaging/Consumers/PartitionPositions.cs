using Confluent.Kafka;

namespace ConcertBooking.Messaging.Consumers;

/// <summary>
/// The offset each assigned partition should deliver next. A record beyond it means the cluster no longer has
/// records this group never read (retention, or a local cluster's size cap): a gap, reported to the
/// <see cref="IRecordGapRepair"/> if there is one.
/// </summary>
internal sealed class PartitionPositions
{
    private readonly Dictionary<TopicPartition, long> _next = [];

    public IReadOnlyDictionary<TopicPartition, long> Next => _next;

    public void Assigned(IEnumerable<TopicPartitionOffset> committed)
    {
        foreach (var position in committed)
        {
            // No commit yet: the group has read nothing, so everything from offset 0 is owed to it.
            _next[position.TopicPartition] = position.Offset.IsSpecial ? 0 : position.Offset.Value;
        }
    }

    public void Removed(IEnumerable<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            _next.Remove(partition);
        }
    }

    public void Advance(IReadOnlyDictionary<TopicPartition, long> next)
    {
        foreach (var (partition, offset) in next)
        {
            _next[partition] = offset;
        }
    }
}
