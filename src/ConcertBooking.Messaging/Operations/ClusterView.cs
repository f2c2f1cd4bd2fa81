using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Messaging.Hosting;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Messaging.Operations;

/// <param name="Up">False while the broker is down (known only where faults are injected: a real cluster's metadata
/// simply stops listing a dead broker).</param>
public sealed record ClusterBroker(int Id, string Host, int Port, bool Up, int LatencyMs, IReadOnlyDictionary<string, int> PendingErrors);

/// <param name="Messages">High minus low watermark: the records the partition still holds.</param>
/// <param name="LowWatermark">-1 (with <paramref name="HighWatermark"/>) while the leader cannot answer.</param>
public sealed record ClusterPartition(int Id, int Leader, int[] Replicas, int[] Isr, long LowWatermark, long HighWatermark, long Messages);

/// <param name="Retention">Retention as provisioned (<c>retention.ms</c>, <c>retention.bytes</c>); null where the
/// cluster keeps no topic configuration (the embedded cluster).</param>
public sealed record ClusterTopic(string Name, IReadOnlyList<ClusterPartition> Partitions, long Messages, TopicRetention? Retention);

public sealed record TopicRetention(long Ms, long Bytes);

/// <param name="FaultLab">Whether brokers can be taken down, slowed or made to fail from here.</param>
public sealed record ClusterView(string Mode, string BootstrapServers, bool FaultLab, IReadOnlyList<ClusterBroker> Brokers, IReadOnlyList<ClusterTopic> Topics);

/// <summary>The cluster as operators see it: brokers, topics, partitions with leaders, replicas, in-sync replicas
/// and watermarks.</summary>
public sealed class ClusterQueries(
    OperatorKafkaClients clients,
    KafkaConnection connection,
    IOptions<KafkaOptions> options,
    IKafkaClusterSource? local = null,
    IBrokerFaults? faults = null)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, (string Host, int Port)> _addresses = new();

    public async Task<ClusterView> GetAsync(CancellationToken cancellationToken)
    {
        var metadata = await Task.Run(() => clients.Admin.GetMetadata(OperatorKafkaClients.Timeout), cancellationToken);
        var partitions = metadata.Topics
            .Where(t => !t.Topic.StartsWith("__", StringComparison.Ordinal))
            .SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p.PartitionId)))
            .ToList();
        var watermarks = await clients.WatermarksAsync(partitions, cancellationToken);

        // The embedded cluster never shrinks an ISR; a real one drops a dead replica after replica.lag.time.max.ms.
        // The fault lab knows which brokers it took down, so the ISR shown is the one a real cluster would report.
        var labBrokers = faults is { IsAvailable: true } ? faults.Brokers.ToDictionary(b => b.Id) : [];
        var down = labBrokers.Values.Where(b => b.Down).Select(b => b.Id).ToHashSet();
        int[] InSync(PartitionMetadata p) => down.Count == 0 ? p.InSyncReplicas : [.. p.InSyncReplicas.Where(r => !down.Contains(r))];

        var retention = local is null ? new TopicRetention(options.Value.Topics.RetentionMs, options.Value.Topics.RetentionBytes) : null;
        var topics = metadata.Topics
            .Where(t => !t.Topic.StartsWith("__", StringComparison.Ordinal))
            .OrderBy(t => t.Topic, StringComparer.Ordinal)
            .Select(t =>
            {
                var list = t.Partitions.OrderBy(p => p.PartitionId).Select(p =>
                {
                    return !watermarks.TryGetValue(new TopicPartition(t.Topic, p.PartitionId), out var w)
                        ? new ClusterPartition(p.PartitionId, p.Leader, p.Replicas, InSync(p), -1, -1, 0)
                        : new ClusterPartition(p.PartitionId, p.Leader, p.Replicas, InSync(p), w.Low.Value, w.High.Value, Math.Max(0, w.High.Value - w.Low.Value));
                }).ToList();
                return new ClusterTopic(t.Topic, list, list.Sum(p => p.Messages), retention);
            })
            .ToList();

        // A broker that is down drops out of the metadata; the fault lab still knows it, and its address is the
        // one seen last.
        foreach (var b in metadata.Brokers)
        {
            _addresses[b.BrokerId] = (b.Host, b.Port);
        }

        var brokers = metadata.Brokers.Select(b => b.BrokerId).Union(labBrokers.Keys)
            .Order()
            .Select(id =>
            {
                var (host, port) = _addresses.GetValueOrDefault(id, ("unknown", 0));
                return labBrokers.TryGetValue(id, out var lab)
                    ? new ClusterBroker(id, host, port, !lab.Down, lab.LatencyMs, lab.PendingErrors)
                    : new ClusterBroker(id, host, port, true, 0, new Dictionary<string, int>());
            })
            .ToList();
        return new ClusterView(local?.Mode ?? "external", connection.BootstrapServers, faults?.IsAvailable ?? false, brokers, topics);
    }
}
