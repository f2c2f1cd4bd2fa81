using ConcertBooking.Messaging.Embedded;

using Confluent.Kafka;

namespace ConcertBooking.Messaging.Tests;

/// <summary>Behaviour of the cluster object itself; each test owns its cluster, as several of them end it.</summary>
public sealed class EmbeddedKafkaClusterLifecycleTests
{
    [Fact]
    public void Create_topic_reports_the_librdkafka_error_name()
    {
        using EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.Start();
        cluster.CreateTopic("duplicate", partitions: 1, replicationFactor: 1);

        KafkaException duplicate = Assert.Throws<KafkaException>(() => cluster.CreateTopic("duplicate", 1, 1));
        Assert.Equal(ErrorCode.TopicAlreadyExists, duplicate.Error.Code);
        Assert.Contains("TOPIC_ALREADY_EXISTS", duplicate.Message, StringComparison.Ordinal);

        // The mock itself would cap the replicas at the broker count without a word.
        KafkaException tooManyReplicas = Assert.Throws<KafkaException>(() => cluster.CreateTopic("wide", 1, 4));
        Assert.Equal(ErrorCode.InvalidReplicationFactor, tooManyReplicas.Error.Code);
        Assert.Contains("INVALID_REPLICATION_FACTOR", tooManyReplicas.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Broker_ids_outside_the_cluster_are_refused()
    {
        using EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.Start(brokerCount: 2);

        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.SetBrokerDown(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.SetBrokerDown(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.SetBrokerUp(-1));
    }

    [Fact]
    public async Task A_partition_without_a_live_replica_is_offline_until_its_broker_returns()
    {
        using EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.Start(brokerCount: 2);
        cluster.CreateTopic("single-replica", partitions: 1, replicationFactor: 1);
        TopicPartition partition = new("single-replica", 0);
        int owner;
        using (IAdminClient admin = TestClients.Admin(cluster.BootstrapServers))
        {
            owner = admin.GetMetadata("single-replica", TestClients.Timeout).Topics.Single().Partitions.Single().Leader;
        }

        cluster.SetBrokerDown(owner);
        using (IProducer<string, string> producer = TestClients.Producer(cluster.BootstrapServers, c => c.MessageTimeoutMs = 1500))
        {
            ProduceException<string, string> offline = await Assert.ThrowsAsync<ProduceException<string, string>>(
                () => producer.ProduceAsync(partition, new Message<string, string> { Key = "k", Value = "lost" }));
            Assert.Equal(ErrorCode.Local_MsgTimedOut, offline.Error.Code);
        }

        cluster.SetBrokerUp(owner);
        using (IProducer<string, string> producer = TestClients.Producer(cluster.BootstrapServers))
        {
            DeliveryResult<string, string> delivered = await producer.ProduceAsync(partition, new Message<string, string> { Key = "k", Value = "back" });
            Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
        }
    }

    [Fact]
    public async Task After_every_broker_was_down_the_first_one_back_takes_over()
    {
        using EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.Start(brokerCount: 3);
        cluster.CreateTopic("blackout", partitions: 6, replicationFactor: 3);
        cluster.SetBrokerDown(1);
        cluster.SetBrokerDown(2);
        cluster.SetBrokerDown(3);

        cluster.SetBrokerUp(2);

        using IProducer<string, string> producer = TestClients.Producer(cluster.BootstrapServers);
        DeliveryResult<string, string>[] deliveries = await Task.WhenAll(Enumerable.Range(0, 6).Select(p =>
            producer.ProduceAsync(new TopicPartition("blackout", p), new Message<string, string> { Key = "k", Value = "v" })));
        Assert.All(deliveries, d => Assert.Equal(PersistenceStatus.Persisted, d.Status));
    }

    [Fact]
    public async Task Dispose_is_idempotent_and_safe_while_clients_are_still_connected()
    {
        EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.Start();
        cluster.SetGroupInitialRebalanceDelay(TimeSpan.Zero);
        cluster.CreateTopic("still-connected", partitions: 3, replicationFactor: 3);
        IProducer<string, string> producer = TestClients.Producer(cluster.BootstrapServers);
        IConsumer<string, string> consumer = TestClients.Consumer(cluster.BootstrapServers, "still-connected");
        try
        {
            await producer.ProduceAsync("still-connected", new Message<string, string> { Key = "k", Value = "v" });
            consumer.Subscribe("still-connected");
            Assert.NotNull(consumer.Consume(TestClients.Timeout));

            cluster.Dispose();
            cluster.Dispose();

            Assert.Throws<ObjectDisposedException>(() => cluster.CreateTopic("late", 1, 1));
            Assert.Throws<ObjectDisposedException>(() => cluster.SetBrokerDown(1));
        }
        finally
        {
            // Must neither crash nor hang now that the brokers are gone.
            await Task.Run(() =>
            {
                producer.Dispose();
                consumer.Dispose();
            }).WaitAsync(TestClients.Timeout);
            cluster.Dispose();
        }
    }

    [Fact]
    public async Task Delete_records_moves_the_low_watermark()
    {
        using EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.Start();
        cluster.CreateTopic("retention", partitions: 1, replicationFactor: 3);
        TopicPartition partition = new("retention", 0);
        using (IProducer<string, string> producer = TestClients.Producer(cluster.BootstrapServers))
        {
            await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
                producer.ProduceAsync(partition, new Message<string, string> { Key = "k", Value = i.ToString(System.Globalization.CultureInfo.InvariantCulture) })));
        }

        cluster.DeleteRecords("retention", 0, beforeOffset: 4);

        using IConsumer<string, string> consumer = TestClients.Consumer(cluster.BootstrapServers, "retention");
        WatermarkOffsets watermarks = consumer.QueryWatermarkOffsets(partition, TestClients.Timeout);
        Assert.Equal(4, watermarks.Low.Value);
        Assert.Equal(10, watermarks.High.Value);

        KafkaException beyondEnd = Assert.Throws<KafkaException>(() => cluster.DeleteRecords("retention", 0, beforeOffset: 11));
        Assert.Contains("OFFSET_OUT_OF_RANGE", beyondEnd.Message, StringComparison.Ordinal);
    }

    [LinuxFact]
    public async Task Process_holds_a_single_librdkafka_shared_by_Confluent_Kafka_and_the_embedded_cluster()
    {
        using EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.Start(brokerCount: 1);
        cluster.CreateTopic("loaded", 1, 1);
        using (IProducer<string, string> producer = TestClients.Producer(cluster.BootstrapServers))
        {
            await producer.ProduceAsync("loaded", new Message<string, string> { Key = "k", Value = "v" });
        }

        string[] mapped = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(5).FirstOrDefault())
            .OfType<string>()
            .Where(path => Path.GetFileName(path).Contains("librdkafka", StringComparison.Ordinal))
            .Distinct()
            .ToArray();
        Assert.Single(mapped);
    }
}
