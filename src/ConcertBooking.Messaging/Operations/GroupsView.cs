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
        string? error = null;
        Dictionary<TopicPartition, Offset> committed = [];
        try
        {
            committed = await CommittedAsync(group.GroupId, topicPartitions, cancellationToken);
        }
        catch (KafkaException ex)
        {
            error = $"committed offsets unreadable: {ex.Error.Reason}";
        }

        var now = clock.GetUtcNow();
        var partitions = await clients.WithProbeAsync(probe => topicPartitions.Select(tp =>
        {
            WatermarkOffsets watermarks;
            try
            {
                watermarks = probe.QueryWatermarkOffsets(tp, OperatorKafkaClients.Timeout);
            }
            catch (KafkaException ex)
            {
                error ??= $"{tp.Topic}[{tp.Partition.Value}] unreadable: {ex.Error.Reason}";
                return null;
            }

            long? offset = committed.TryGetValue(tp, out var c) && !c.IsSpecial ? c.Value : null;

            // A group with no commit yet starts at the earliest offset (auto.offset.reset=earliest).
            var position = Math.Max(offset ?? watermarks.Low.Value, watermarks.Low.Value);
            var lag = Math.Max(0, watermarks.High.Value - position);
            double? seconds = lag == 0 ? 0
                : OperatorKafkaClients.TimestampAt(probe, tp, position) is { } oldest ? Math.Max(0, (now - oldest).TotalSeconds) : null;
            return new GroupPartition(tp.Topic, tp.Partition.Value, offset, watermarks.High.Value, lag, seconds);
        }).OfType<GroupPartition>().ToList(), cancellationToken);

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
