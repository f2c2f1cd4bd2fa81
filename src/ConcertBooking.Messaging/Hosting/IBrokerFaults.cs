namespace ConcertBooking.Messaging.Hosting;

/// <summary>The request kinds a broker can be made to fail (Kafka protocol API keys).</summary>
public enum BrokerRequestKind : short
{
    Produce = 0,
    Fetch = 1,
    Metadata = 3,
    OffsetCommit = 8,
    Heartbeat = 12,
}

/// <summary>What the fault lab did to one broker.</summary>
/// <param name="LatencyMs">Added to every response of the broker.</param>
/// <param name="PendingErrors">Request errors pushed and not yet returned, by request kind.</param>
public sealed record BrokerFaultState(int Id, bool Down, int LatencyMs, IReadOnlyDictionary<string, int> PendingErrors);

/// <summary>
/// Fault injection on a cluster that allows it (a local development cluster this process runs): operators take a
/// broker down and bring it back, slow it down, or make it fail requests, and watch clients cope. A real cluster
/// offers none of this, so the composition registers it only where it works.
/// </summary>
public interface IBrokerFaults
{
    /// <summary>False when this process cannot steer the cluster (it joined one another process runs).</summary>
    bool IsAvailable { get; }

    IReadOnlyList<BrokerFaultState> Brokers { get; }

    /// <summary>Drops the broker's connections and refuses new ones; the partitions it leads move to live replicas.</summary>
    void SetDown(int brokerId);

    void SetUp(int brokerId);

    /// <summary>Delays every response of the broker by <paramref name="latency"/> (zero removes the delay).</summary>
    void SetLatency(int brokerId, TimeSpan latency);

    /// <summary>Makes the broker answer its next <paramref name="count"/> requests of <paramref name="kind"/> with
    /// <paramref name="error"/> (a Kafka error code such as 7, REQUEST_TIMED_OUT).</summary>
    void FailRequests(int brokerId, BrokerRequestKind kind, int count, int error);
}
