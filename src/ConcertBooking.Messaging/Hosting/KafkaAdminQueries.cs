using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Messaging.Outbox;
using Confluent.Kafka;

namespace ConcertBooking.Messaging.Hosting;

public sealed record KafkaOverview(
    string Mode,
    string BootstrapServers,
    IReadOnlyList<BrokerInfo> Brokers,
    IReadOnlyList<TopicInfo> Topics,
    IReadOnlyList<GroupInfo> Groups,
    OutboxInfo Outbox);

/// <summary>Events committed but not yet on Kafka, and whether the relay is holding them back on purpose (a cluster
/// that needs pacing, while a group's unread backlog would approach its per-partition cap).</summary>
public sealed record OutboxInfo(long Backlog, bool HeldBack, IReadOnlyList<PartitionBacklog> UnreadByPartition);

public sealed record BrokerInfo(int Id, string Host, int Port);

public sealed record TopicInfo(string Name, IReadOnlyList<PartitionInfo> Partitions);

public sealed record PartitionInfo(int Id, int Leader, int[] Replicas, int[] Isr, long LowWatermark, long HighWatermark);

public sealed record GroupInfo(string GroupId, IReadOnlyList<GroupPartitionInfo> Partitions, long TotalLag);

public sealed record GroupPartitionInfo(string Topic, int Partition, long? CommittedOffset, long Lag);

/// <summary>The seed's Kafka UI view (6.4) as data: brokers, topics with partitions and watermarks, and each
/// consumer group's committed offsets and lag.</summary>
public sealed class KafkaAdminQueries(
    KafkaConnection connection,
    IEnumerable<ConsumerGroupSubscription> groups,
    MessagingMetrics metrics,
    IKafkaClusterSource? local = null,
    IPublishPacer? pacer = null)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public Task<KafkaOverview> GetOverviewAsync(CancellationToken cancellationToken) =>
        Task.Run(() => GetOverview(), cancellationToken);

    private KafkaOverview GetOverview()
    {
        using var admin = new AdminClientBuilder(connection.AdminConfig()).SetLogHandler((_, m) => connection.ClientLog.Write(m)).Build();
        var metadata = admin.GetMetadata(Timeout);

        // Watermarks and committed offsets come from a consumer that never joins a group, so asking does not
        // disturb the groups being looked at.
        var probeConfig = connection.ConsumerConfig("concertbooking-admin-probe");
        using var probe = new ConsumerBuilder<Ignore, Ignore>(probeConfig).SetLogHandler((_, m) => connection.ClientLog.Write(m)).Build();

        var topics = new List<TopicInfo>();
        var watermarksByPartition = new Dictionary<TopicPartition, WatermarkOffsets>();
        foreach (var topic in metadata.Topics.Where(t => !t.Topic.StartsWith("__", StringComparison.Ordinal)).OrderBy(t => t.Topic, StringComparer.Ordinal))
        {
            var partitions = new List<PartitionInfo>();
            foreach (var partition in topic.Partitions.OrderBy(p => p.PartitionId))
            {
                var watermarks = probe.QueryWatermarkOffsets(new TopicPartition(topic.Topic, partition.PartitionId), Timeout);
                watermarksByPartition[new TopicPartition(topic.Topic, partition.PartitionId)] = watermarks;
                partitions.Add(new PartitionInfo(
                    partition.PartitionId, partition.Leader, partition.Replicas, partition.InSyncReplicas,
                    watermarks.Low.Value, watermarks.High.Value));
            }

            topics.Add(new TopicInfo(topic.Topic, partitions));
        }

        var groupInfos = new List<GroupInfo>();
        foreach (var group in groups.DistinctBy(g => g.GroupId))
        {
            using var reader = new ConsumerBuilder<Ignore, Ignore>(connection.ConsumerConfig(group.GroupId)).SetLogHandler((_, m) => connection.ClientLog.Write(m)).Build();
            var partitions = watermarksByPartition.Keys.Where(tp => group.Topics.Contains(tp.Topic)).ToList();
            var committed = reader.Committed(partitions, Timeout);
            var infos = committed
                .OrderBy(c => c.Topic, StringComparer.Ordinal).ThenBy(c => c.Partition.Value)
                .Select(c =>
                {
                    var watermarks = watermarksByPartition[c.TopicPartition];
                    long? offset = c.Offset.IsSpecial ? null : c.Offset.Value;

                    // A group with no commit yet starts at the earliest offset (auto.offset.reset=earliest).
                    var position = Math.Max(offset ?? watermarks.Low.Value, watermarks.Low.Value);
                    return new GroupPartitionInfo(c.Topic, c.Partition.Value, offset, Math.Max(0, watermarks.High.Value - position));
                })
                .ToList();
            groupInfos.Add(new GroupInfo(group.GroupId, infos, infos.Sum(i => i.Lag)));
        }

        return new KafkaOverview(
            local?.Mode ?? "external",
            connection.BootstrapServers,
            metadata.Brokers.OrderBy(b => b.BrokerId).Select(b => new BrokerInfo(b.BrokerId, b.Host, b.Port)).ToList(),
            topics,
            groupInfos,
            new OutboxInfo(metrics.OutboxBacklog, pacer?.IsHoldingBack ?? false, pacer?.MeasureBacklog() ?? []));
    }
}
