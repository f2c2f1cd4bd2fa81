using ConcertBooking.Messaging.Consumers;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;

namespace ConcertBooking.Messaging.Operations;

/// <param name="Lag">Records after the committed offset.</param>
/// <param name="LagSeconds">Age of the oldest record the group has not handled yet (0 without lag; null when it
/// could not be read).</param>
public sealed record GroupPartition(string Topic, int Partition, long? CommittedOffset, long HighWatermark, long Lag, double? LagSeconds);

/// <param name="Local">Whether the group runs in this process: only then can it be paused, resumed or reset here.</param>
/// <param name="State">Running, Pausing or Paused in this process; null when it does not run here.</param>
/// <param name="Assignment">The partitions this process's member reads, as <c>topic[partition]</c>.</param>
/// <param name="Rebuildable">Its read models can be rebuilt from the events (point-in-time rebuild).</param>
/// <param name="Error">Why its committed offsets or watermarks could not be read just now (its coordinator or a
/// leader unreachable); the figures then show what could be read.</param>
public sealed record GroupView(
    string GroupId,
    IReadOnlyList<string> Topics,
    bool Local,
    string? State,
    string? MemberId,
    IReadOnlyList<string> Assignment,
    bool Rebuildable,
    long TotalLag,
    double? MaxLagSeconds,
    IReadOnlyList<GroupPartition> Partitions,
    string? Error = null);

/// <summary>Every consumer group of the system with its committed offsets, lag in records and in seconds, and what
/// this process runs of it.</summary>
public sealed class GroupQueries(
    OperatorKafkaClients clients,
    IEnumerable<ConsumerGroupSubscription> groups,
    ConsumerGroupControls controls,
    IServiceProviderIsKeyedService keyedServices,
    TimeProvider clock)
{
    public async Task<IReadOnlyList<GroupView>> GetAsync(CancellationToken cancellationToken)
    {
        // In parallel: a group whose coordinator is down costs one admin timeout, not one per group.
        return await Task.WhenAll(groups.DistinctBy(g => g.GroupId).Select(group => GetAsync(group, cancellationToken)));
    }

    public async Task<GroupView?> FindAsync(string groupId, CancellationToken cancellationToken) =>
        groups.FirstOrDefault(g => g.GroupId == groupId) is { } group ? await GetAsync(group, cancellationToken) : null;

    private async Task<GroupView> GetAsync(ConsumerGroupSubscription group, CancellationToken cancellationToken)
    {
        var topicPartitions = await TopicPartitionsAsync(group.Topics, cancellationToken);

        // Both at once: while a broker is down each may wait out its timeout.
        var reading = CommittedAsync(group.GroupId, topicPartitions, cancellationToken);
        var watermarks = await clients.WatermarksAsync(topicPartitions, cancellationToken);
        string? error = null;
        Dictionary<TopicPartition, Offset> committed = [];
        try
        {
            committed = await reading;
        }
        catch (KafkaException ex)
        {
            error = $"committed offsets unreadable: {ex.Error.Reason}";
        }

        if (watermarks.Count < topicPartitions.Count)
        {
            var missing = topicPartitions.First(tp => !watermarks.ContainsKey(tp));
            error ??= $"{missing.Topic}[{missing.Partition.Value}] unreadable: its leader did not answer";
        }

        // A group with no commit yet starts at the earliest offset (auto.offset.reset=earliest).
        var positions = watermarks.ToDictionary(
            w => w.Key,
            w => Math.Max(committed.TryGetValue(w.Key, out var c) && !c.IsSpecial ? c.Value : w.Value.Low.Value, w.Value.Low.Value));
        var behind = positions.Where(p => p.Value < watermarks[p.Key].High.Value).Select(p => new TopicPartitionOffset(p.Key, p.Value)).ToList();
        var oldest = behind.Count == 0 ? []
            : await clients.WithProbeAsync(probe => OperatorKafkaClients.TimestampsAt(probe, behind), cancellationToken);

        var now = clock.GetUtcNow();
        var partitions = topicPartitions.Where(watermarks.ContainsKey).Select(tp =>
        {
            long? offset = committed.TryGetValue(tp, out var c) && !c.IsSpecial ? c.Value : null;
            var high = watermarks[tp].High.Value;
            var lag = Math.Max(0, high - positions[tp]);
            double? seconds = lag == 0 ? 0 : oldest.TryGetValue(tp, out var at) ? Math.Max(0, (now - at).TotalSeconds) : null;
            return new GroupPartition(tp.Topic, tp.Partition.Value, offset, high, lag, seconds);
        }).ToList();

        var control = controls.Find(group.GroupId);
        var rebuildable = keyedServices.IsKeyedService(typeof(IReadModelRebuilder), group.GroupId);
        return new GroupView(
            group.GroupId,
            group.Topics,
            control is not null,
            control?.State.ToString(),
            control?.MemberId,
            control?.Assignment.Select(p => $"{p.Topic}[{p.Partition.Value}]").ToList() ?? [],
            rebuildable,
            partitions.Sum(p => p.Lag),
            partitions.Count == 0 ? null : partitions.Max(p => p.LagSeconds),
            partitions,
            error);
    }

    internal async Task<List<TopicPartition>> TopicPartitionsAsync(IReadOnlyList<string> topics, CancellationToken cancellationToken)
    {
        var metadata = await Task.Run(() => clients.Admin.GetMetadata(OperatorKafkaClients.Timeout), cancellationToken);
        return [.. metadata.Topics
            .Where(t => topics.Contains(t.Topic))
            .OrderBy(t => t.Topic, StringComparer.Ordinal)
            .SelectMany(t => t.Partitions.OrderBy(p => p.PartitionId).Select(p => new TopicPartition(t.Topic, p.PartitionId)))];
    }

    private async Task<Dictionary<TopicPartition, Offset>> CommittedAsync(string groupId, List<TopicPartition> partitions, CancellationToken cancellationToken)
    {
        var results = await clients.Admin.ListConsumerGroupOffsetsAsync(
            [new ConsumerGroupTopicPartitions(groupId, partitions)],
            new Confluent.Kafka.Admin.ListConsumerGroupOffsetsOptions { RequestTimeout = OperatorKafkaClients.Timeout }).WaitAsync(cancellationToken);
        return results.SelectMany(r => r.Partitions).ToDictionary(p => p.TopicPartition, p => p.Offset);
    }
}
