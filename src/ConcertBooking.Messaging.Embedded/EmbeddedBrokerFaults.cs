using System.Collections.Concurrent;
using ConcertBooking.Messaging.Hosting;
using Confluent.Kafka;

namespace ConcertBooking.Messaging.Embedded;

/// <summary>The fault lab on the embedded cluster, when this process owns it.</summary>
internal sealed class EmbeddedBrokerFaults(EmbeddedClusterSource source) : IBrokerFaults
{
    private readonly ConcurrentDictionary<int, int> _latencyMs = new();

    public bool IsAvailable => source.Cluster is not null;

    public IReadOnlyList<BrokerFaultState> Brokers
    {
        get
        {
            if (source.Cluster is not { } cluster)
            {
                return [];
            }

            var down = cluster.DownBrokers;
            return [.. Enumerable.Range(1, cluster.BrokerCount).Select(id => new BrokerFaultState(
                id,
                down.Contains(id),
                _latencyMs.GetValueOrDefault(id),
                Enum.GetValues<BrokerRequestKind>()
                    .Select(kind => (kind, count: cluster.PendingRequestErrors(id, (short)kind)))
                    .Where(e => e.count > 0)
                    .ToDictionary(e => e.kind.ToString(), e => e.count)))];
        }
    }

    public void SetDown(int brokerId) => Cluster.SetBrokerDown(brokerId);

    public void SetUp(int brokerId) => Cluster.SetBrokerUp(brokerId);

    public void SetLatency(int brokerId, TimeSpan latency)
    {
        Cluster.SetBrokerLatency(brokerId, latency);
        _latencyMs[brokerId] = (int)latency.TotalMilliseconds;
    }

    public void FailRequests(int brokerId, BrokerRequestKind kind, int count, int error) =>
        Cluster.PushRequestErrors(brokerId, (short)kind, count, (ErrorCode)error);

    private EmbeddedKafkaCluster Cluster => source.Cluster
        ?? throw new InvalidOperationException("This process joined an embedded cluster another process owns; only the owner can inject faults.");
}
