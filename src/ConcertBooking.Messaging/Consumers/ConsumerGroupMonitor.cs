using System.Collections.Concurrent;

namespace ConcertBooking.Messaging.Consumers;

/// <summary>One partition a group of this process is assigned: how many records it has not handled yet, and how old
/// the oldest of them is.</summary>
public sealed record PartitionLag(string Topic, int Partition, long Records, double Seconds);

/// <summary>A consumer group as this process runs it: whether its loop runs, its last failure, and its lag on the
/// partitions it is assigned.</summary>
public sealed record ConsumerGroupState(
    string GroupId, bool Running, string? LastError, DateTimeOffset? LastErrorAt, IReadOnlyList<PartitionLag> Partitions)
{
    public long Lag => Partitions.Sum(p => p.Records);

    public double LagSeconds => Partitions.Count == 0 ? 0 : Partitions.Max(p => p.Seconds);
}

/// <summary>
/// What the consumer groups of this process are doing, as their loops report it: the source of the lag gauges and of
/// <c>/health/ready</c>. Lag is measured where the records are, without asking the cluster: the high watermark is
/// the one librdkafka learnt from its last fetch, and the handled position is this process' own.
/// </summary>
public sealed class ConsumerGroupMonitor(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, GroupLag> _groups = new(StringComparer.Ordinal);

    /// <summary>The groups this process runs, by id.</summary>
    public IReadOnlyList<ConsumerGroupState> Snapshot()
    {
        var now = clock.GetUtcNow();
        return _groups.Values.OrderBy(g => g.GroupId, StringComparer.Ordinal).Select(g => g.State(now)).ToList();
    }

    public ConsumerGroupState? Find(string groupId) =>
        _groups.TryGetValue(groupId, out var group) ? group.State(clock.GetUtcNow()) : null;

    internal GroupLag For(string groupId) => _groups.GetOrAdd(groupId, id => new GroupLag(id, clock));
}
