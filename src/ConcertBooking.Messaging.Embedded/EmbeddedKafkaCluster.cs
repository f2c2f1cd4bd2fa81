using System.Runtime.InteropServices;

using Confluent.Kafka;

namespace ConcertBooking.Messaging.Embedded;

/// <summary>
/// An in-process Kafka cluster built on librdkafka's mock cluster, for development and tests where no broker
/// can run. It speaks the Kafka protocol on localhost, so ordinary Confluent.Kafka clients (and kcat) use it
/// through <see cref="BootstrapServers"/>.
/// </summary>
/// <remarks>
/// Not a durable broker: each partition keeps at most about 5 MiB / 100,000 records and silently drops the oldest
/// beyond that, there is no topic admin API (use <see cref="CreateTopic"/>), and topic configs do not exist.
/// </remarks>
public sealed class EmbeddedKafkaCluster : IDisposable
{
    private const int InitialControllerId = 1;
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(5);

    private readonly MockClusterHandle _handle;
    private readonly Lock _brokerStateLock = new();
    private readonly HashSet<int> _downBrokers = [];
    private int _controllerId = InitialControllerId;

    private EmbeddedKafkaCluster(MockClusterHandle handle, int brokerCount, string bootstrapServers)
    {
        _handle = handle;
        BrokerCount = brokerCount;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>Comma-separated host:port list of the brokers; ports are random per start.</summary>
    public string BootstrapServers { get; }

    public int BrokerCount { get; }

    public static EmbeddedKafkaCluster Start(int brokerCount = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerCount, 1);

        IntPtr client = CreateBookKeepingClient();
        IntPtr cluster = LibrdkafkaNative.rd_kafka_mock_cluster_new(client, brokerCount);
        if (cluster == IntPtr.Zero)
        {
            LibrdkafkaNative.rd_kafka_destroy(client);
            throw new InvalidOperationException(
                $"rd_kafka_mock_cluster_new failed for {brokerCount} brokers (see librdkafka's log on stderr).");
        }

        MockClusterHandle handle = new(client, cluster);
        try
        {
            // The mock reports controller id 0, which no broker has (ids start at 1), so every admin request that
            // goes to the controller (CreateTopics, DeleteTopics, ...) waits out its whole timeout. With a real
            // controller it fails at once with "Topic Admin API ... not supported", like an old broker would.
            LibrdkafkaNative.rd_kafka_mock_set_controller_id(handle, InitialControllerId);

            string bootstrapServers = Marshal.PtrToStringUTF8(LibrdkafkaNative.rd_kafka_mock_cluster_bootstraps(handle))
                ?? throw new InvalidOperationException("rd_kafka_mock_cluster_bootstraps returned no address list.");
            return new EmbeddedKafkaCluster(handle, brokerCount, bootstrapServers);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Creates a topic; the mock has no CreateTopics API, so this is the only way besides auto-creation.</summary>
    /// <exception cref="KafkaException">With the librdkafka error name, e.g. TOPIC_ALREADY_EXISTS.</exception>
    public void CreateTopic(string name, int partitions, int replicationFactor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);

        string operation = $"create topic '{name}' ({partitions} partitions, replication factor {replicationFactor})";

        // The mock silently caps the replicas at the broker count; a real cluster refuses, and code that works
        // here should not then fail against one.
        if (replicationFactor > BrokerCount)
        {
            ThrowOnError(ErrorCode.InvalidReplicationFactor, $"{operation} on {BrokerCount} brokers");
        }

        ThrowOnError(LibrdkafkaNative.rd_kafka_mock_topic_create(_handle, name, partitions, replicationFactor), operation);
    }

    /// <summary>
    /// Takes a broker down the way a crash would look to clients: its connections drop, new ones are refused,
    /// and the partitions it leads move to another live replica, as does the controller role. The mock on its own
    /// keeps naming the down broker as leader, so every record for those partitions would time out. Group and
    /// transaction coordinators do not move.
    /// </summary>
    public void SetBrokerDown(int brokerId)
    {
        ValidateBrokerId(brokerId);
        lock (_brokerStateLock)
        {
            // Leaders move while the broker is still up, so that the metadata can come from any broker.
            HashSet<int> down = [.. _downBrokers, brokerId];
            ElectLiveLeaders(down);
            ThrowOnError(LibrdkafkaNative.rd_kafka_mock_broker_set_down(_handle, brokerId), $"set broker {brokerId} down");
            _downBrokers.Add(brokerId);
        }
    }

    /// <summary>
    /// Lets the broker accept connections again. Partitions it leads elsewhere stay there, as on a cluster without
    /// preferred-leader rebalancing; partitions left without any live replica get it back as leader.
    /// </summary>
    public void SetBrokerUp(int brokerId)
    {
        ValidateBrokerId(brokerId);
        lock (_brokerStateLock)
        {
            ThrowOnError(LibrdkafkaNative.rd_kafka_mock_broker_set_up(_handle, brokerId), $"set broker {brokerId} up");
            _downBrokers.Remove(brokerId);
            ElectLiveLeaders(_downBrokers);
        }
    }

    /// <summary>Delays every response of the broker by <paramref name="latency"/>, as a slow disk or network would.</summary>
    public void SetBrokerLatency(int brokerId, TimeSpan latency)
    {
        ValidateBrokerId(brokerId);
        ArgumentOutOfRangeException.ThrowIfLessThan(latency, TimeSpan.Zero);
        ThrowOnError(
            LibrdkafkaNative.rd_kafka_mock_broker_set_rtt(_handle, brokerId, checked((int)latency.TotalMilliseconds)),
            $"set the latency of broker {brokerId}");
    }

    /// <summary>Makes the broker answer its next <paramref name="count"/> requests with API key
    /// <paramref name="apiKey"/> (0 Produce, 1 Fetch, ...) with <paramref name="error"/>.</summary>
    public void PushRequestErrors(int brokerId, short apiKey, int count, ErrorCode error)
    {
        ValidateBrokerId(brokerId);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        for (var i = 0; i < count; i++)
        {
            ThrowOnError(
                LibrdkafkaNative.rd_kafka_mock_broker_push_request_error_rtts(_handle, brokerId, apiKey, 1, error, 0),
                $"push an error for API key {apiKey} to broker {brokerId}");
        }
    }

    /// <summary>How many pushed errors for API key <paramref name="apiKey"/> the broker has not returned yet.</summary>
    public int PendingRequestErrors(int brokerId, short apiKey)
    {
        ValidateBrokerId(brokerId);
        var error = LibrdkafkaNative.rd_kafka_mock_broker_error_stack_cnt(_handle, brokerId, apiKey, out var count);
        return error == ErrorCode.NoError ? checked((int)count) : 0;
    }

    /// <summary>The brokers set down and not up again.</summary>
    public IReadOnlySet<int> DownBrokers
    {
        get
        {
            lock (_brokerStateLock)
            {
                return _downBrokers.ToHashSet();
            }
        }
    }

    /// <summary>
    /// Deletes the records of a partition before <paramref name="beforeOffset"/>, which moves its low watermark,
    /// as retention would on a real broker.
    /// </summary>
    public void DeleteRecords(string topic, int partition, long beforeOffset)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        ThrowOnError(
            LibrdkafkaNative.rd_kafka_mock_partition_delete_records(_handle, topic, partition, beforeOffset),
            $"delete records of {topic}[{partition}] before offset {beforeOffset}");
    }

    /// <summary>
    /// The broker setting group.initial.rebalance.delay.ms. The mock waits 3 s (like a real broker) before the
    /// first member of a new group gets partitions; tests can shorten that.
    /// </summary>
    public void SetGroupInitialRebalanceDelay(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        LibrdkafkaNative.rd_kafka_mock_group_initial_rebalance_delay_ms(_handle, checked((int)delay.TotalMilliseconds));
    }

    /// <summary>
    /// Stops the brokers. Clients still connected only see their connections drop, so they may be disposed
    /// before or after this.
    /// </summary>
    public void Dispose()
    {
        // SafeHandle releases once, and only after native calls that are still running on other threads return.
        _handle.Dispose();
    }

    private static unsafe IntPtr CreateBookKeepingClient()
    {
        const int errorLength = 512;
        byte* error = stackalloc byte[errorLength];
        IntPtr conf = LibrdkafkaNative.rd_kafka_conf_new();

        // This handle never connects anywhere, so its notice about the missing bootstrap.servers is noise;
        // warnings and errors (the mock logs through this handle) still get through.
        if (LibrdkafkaNative.rd_kafka_conf_set(conf, "log_level", "4", error, errorLength) != 0)
        {
            LibrdkafkaNative.rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException($"rd_kafka_conf_set failed: {Marshal.PtrToStringUTF8((IntPtr)error)}");
        }

        IntPtr client = LibrdkafkaNative.rd_kafka_new(LibrdkafkaNative.RdKafkaProducer, conf, error, errorLength);
        if (client == IntPtr.Zero)
        {
            // rd_kafka_new only takes ownership of the configuration when it succeeds.
            LibrdkafkaNative.rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException($"rd_kafka_new failed: {Marshal.PtrToStringUTF8((IntPtr)error)}");
        }

        return client;
    }

    /// <summary>What a real cluster's controller does on broker failure: every partition and the controller role get a live broker.</summary>
    private void ElectLiveLeaders(IReadOnlySet<int> down)
    {
        if (down.Contains(_controllerId))
        {
            int controller = Enumerable.Range(1, BrokerCount).FirstOrDefault(id => !down.Contains(id), -1);
            if (controller != -1)
            {
                LibrdkafkaNative.rd_kafka_mock_set_controller_id(_handle, controller);
                _controllerId = controller;
            }
        }

        if (down.Count == BrokerCount)
        {
            // Nobody left to lead, and the last live broker is the only one that could answer for the metadata;
            // leaders stay as they are, which on a dead cluster is as good as none.
            return;
        }

        // Any topic may exist here, including ones clients auto-created, so ask the cluster rather than remember.
        Metadata metadata;
        using (IAdminClient admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers })
                   .SetLogHandler(static (_, _) => { })
                   .Build())
        {
            metadata = admin.GetMetadata(MetadataTimeout);
        }

        foreach (TopicMetadata topic in metadata.Topics)
        {
            foreach (PartitionMetadata partition in topic.Partitions.Where(p => p.Leader < 1 || down.Contains(p.Leader)))
            {
                int leader = partition.Replicas.FirstOrDefault(r => !down.Contains(r), -1);
                if (leader == -1 && partition.Leader < 1)
                {
                    continue;
                }

                // With no live replica left the partition goes offline (-1), as it would on a real cluster.
                ThrowOnError(
                    LibrdkafkaNative.rd_kafka_mock_partition_set_leader(_handle, topic.Topic, partition.PartitionId, leader),
                    $"move leadership of {topic.Topic}[{partition.PartitionId}] to broker {leader}");
            }
        }
    }

    private void ValidateBrokerId(int brokerId)
    {
        // The mock would take -1 as "all brokers"; keep that out of an API that names one broker.
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerId, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(brokerId, BrokerCount);
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
    }

    private static void ThrowOnError(ErrorCode error, string operation)
    {
        if (error != ErrorCode.NoError)
        {
            throw new KafkaException(new Error(error,
                $"Embedded Kafka: could not {operation}: {LibrdkafkaNative.ErrorName(error)}"));
        }
    }
}
