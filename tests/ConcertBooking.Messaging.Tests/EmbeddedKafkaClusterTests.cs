using System.Diagnostics;
using System.Text;

using ConcertBooking.Messaging.Embedded;

using Confluent.Kafka;

using Microsoft.Extensions.Options;

namespace ConcertBooking.Messaging.Tests;

public sealed class EmbeddedKafkaClusterTests(EmbeddedKafkaFixture fixture) : IClassFixture<EmbeddedKafkaFixture>
{
    private EmbeddedKafkaCluster Cluster => fixture.Cluster;

    [Fact]
    public void Cluster_has_three_brokers_and_every_topic_three_partitions_with_three_replicas()
    {
        Assert.Equal(3, Cluster.BrokerCount);
        Assert.Equal(3, Cluster.BootstrapServers.Split(',').Length);

        using IAdminClient admin = TestClients.Admin(Cluster.BootstrapServers);
        Metadata metadata = admin.GetMetadata(TestClients.Timeout);

        Assert.Equal([1, 2, 3], metadata.Brokers.Select(b => b.BrokerId).Order());
        foreach (string topic in TopicNames.All)
        {
            TopicMetadata topicMetadata = Assert.Single(metadata.Topics, t => t.Topic == topic);
            Assert.Equal(ErrorCode.NoError, topicMetadata.Error.Code);
            Assert.Equal(3, topicMetadata.Partitions.Count);
            Assert.All(topicMetadata.Partitions, partition =>
            {
                Assert.Equal(3, partition.Replicas.Length);
                Assert.Equal(3, partition.InSyncReplicas.Length);
                Assert.Contains(partition.Leader, partition.Replicas);
            });
        }
    }

    [Fact]
    public async Task Idempotent_producer_and_manually_committing_group_round_trip_keys_headers_and_offsets()
    {
        const int count = 300;
        string topic = TopicNames.ReservationEvents;
        string groupId = "round-trip-" + Guid.NewGuid().ToString("N");

        DeliveryResult<string, string>[] deliveries;
        using (IProducer<string, string> producer = TestClients.Producer(Cluster.BootstrapServers))
        {
            deliveries = await Task.WhenAll(Enumerable.Range(0, count).Select(i => producer.ProduceAsync(topic,
                new Message<string, string>
                {
                    Key = $"reservation-{i % 37}",
                    Value = $$"""{"sequence":{{i}}}""",
                    Headers = new Headers { { "sequence", Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)) } },
                })));
        }

        Assert.All(deliveries, d => Assert.Equal(PersistenceStatus.Persisted, d.Status));
        Assert.All(deliveries.GroupBy(d => d.Message.Key), byKey => Assert.Single(byKey.Select(d => d.Partition).Distinct()));

        List<ConsumeResult<string, string>> received = [];
        List<TopicPartitionOffset> committed;
        using (IConsumer<string, string> consumer = TestClients.Consumer(Cluster.BootstrapServers, groupId))
        {
            consumer.Subscribe(topic);
            Stopwatch waited = Stopwatch.StartNew();
            while (received.Count < count && waited.Elapsed < TestClients.Timeout)
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } result)
                {
                    received.Add(result);
                }
            }

            Assert.Equal(count, received.Count);
            committed = consumer.Commit();
            consumer.Close();
        }

        Dictionary<int, DeliveryResult<string, string>> bySequence = deliveries.ToDictionary(d => int.Parse(d.Message.Value[12..^1], System.Globalization.CultureInfo.InvariantCulture));
        foreach (ConsumeResult<string, string> result in received)
        {
            int sequence = int.Parse(Encoding.UTF8.GetString(result.Message.Headers.GetLastBytes("sequence")), System.Globalization.CultureInfo.InvariantCulture);
            DeliveryResult<string, string> delivered = bySequence[sequence];
            Assert.Equal(delivered.Message.Key, result.Message.Key);
            Assert.Equal(delivered.Message.Value, result.Message.Value);
            Assert.Equal(delivered.TopicPartitionOffset, result.TopicPartitionOffset);
        }

        // Per-key order is what the consumers of these events rely on.
        Assert.All(received.GroupBy(r => r.Message.Key), byKey =>
        {
            int[] sequences = byKey.Select(r => int.Parse(r.Message.Value[12..^1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(sequences.Order(), sequences);
        });

        using IConsumer<string, string> observer = TestClients.Consumer(Cluster.BootstrapServers, groupId);
        TopicPartition[] partitions = Enumerable.Range(0, 3).Select(p => new TopicPartition(topic, p)).ToArray();
        List<TopicPartitionOffset> visible = observer.Committed(partitions, TestClients.Timeout);
        foreach (TopicPartition partition in partitions)
        {
            WatermarkOffsets watermarks = observer.QueryWatermarkOffsets(partition, TestClients.Timeout);
            Assert.Equal(watermarks.High, Assert.Single(visible, o => o.TopicPartition == partition).Offset);
        }

        Assert.Equal(
            committed.OrderBy(o => o.Partition.Value).Select(o => o.Offset),
            visible.OrderBy(o => o.Partition.Value).Select(o => o.Offset));
        Assert.Equal(count, visible.Sum(o => o.Offset.Value));
    }

    [Fact]
    public async Task Producing_succeeds_while_broker_1_is_down_and_after_it_is_back()
    {
        // Many partitions, so that broker 1 surely leads some: the mock picks leaders at random.
        const int partitionCount = 30;
        string topic = "broker-failover-" + Guid.NewGuid().ToString("N");
        Cluster.CreateTopic(topic, partitionCount, replicationFactor: 3);

        int[] ledByBroker1;
        using (IAdminClient admin = TestClients.Admin(Cluster.BootstrapServers))
        {
            ledByBroker1 = admin.GetMetadata(topic, TestClients.Timeout).Topics.Single().Partitions
                .Where(p => p.Leader == 1)
                .Select(p => p.PartitionId)
                .ToArray();
        }

        Assert.NotEmpty(ledByBroker1);

        using IProducer<string, string> producer = TestClients.Producer(Cluster.BootstrapServers);

        // Connected to every leader first, so that the failover is seen by a client in use, not a fresh one.
        await ProduceToEveryPartitionAsync(producer, topic, partitionCount, "before");

        Cluster.SetBrokerDown(1);
        try
        {
            DeliveryResult<string, string>[] whileDown = await ProduceToEveryPartitionAsync(producer, topic, partitionCount, "down");
            Assert.All(whileDown, d => Assert.Equal(PersistenceStatus.Persisted, d.Status));
            Assert.Contains(whileDown, d => ledByBroker1.Contains(d.Partition.Value));
        }
        finally
        {
            Cluster.SetBrokerUp(1);
        }

        DeliveryResult<string, string>[] afterUp = await ProduceToEveryPartitionAsync(producer, topic, partitionCount, "up");
        Assert.All(afterUp, d => Assert.Equal(PersistenceStatus.Persisted, d.Status));
    }

    [Fact]
    public async Task Provisioner_on_the_embedded_cluster_is_idempotent()
    {
        Assert.Equal(TopicNames.All, fixture.FirstProvisioning.Created);
        Assert.Empty(fixture.FirstProvisioning.AlreadyExisting);

        using CancellationTokenSource timeout = new(TestClients.Timeout);
        for (int run = 0; run < 2; run++)
        {
            TopicProvisioningResult again = await fixture.CreateProvisioner().ProvisionAsync(timeout.Token);
            Assert.Empty(again.Created);
            Assert.Equal(TopicNames.All, again.AlreadyExisting);
        }
    }

    [KcatFact]
    public async Task Kcat_lists_the_brokers_and_provisioned_topics()
    {
        ProcessStartInfo startInfo = new(Kcat.ExecutablePath!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "-b", Cluster.BootstrapServers, "-L", "-m", "10" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using Process kcat = Process.Start(startInfo) ?? throw new InvalidOperationException("kcat did not start.");
        Task<string> output = kcat.StandardOutput.ReadToEndAsync();
        Task<string> errors = kcat.StandardError.ReadToEndAsync();
        using CancellationTokenSource timeout = new(TestClients.Timeout);
        try
        {
            await kcat.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            kcat.Kill(entireProcessTree: true);
            throw;
        }

        string listing = await output;
        Assert.True(kcat.ExitCode == 0, $"kcat exited with {kcat.ExitCode}: {await errors}");
        Assert.Contains(" 3 brokers:", listing, StringComparison.Ordinal);
        foreach (string topic in TopicNames.All)
        {
            Assert.Contains($"topic \"{topic}\" with 3 partitions:", listing, StringComparison.Ordinal);
        }
    }

    private static Task<DeliveryResult<string, string>[]> ProduceToEveryPartitionAsync(
        IProducer<string, string> producer, string topic, int partitionCount, string phase) =>
        Task.WhenAll(Enumerable.Range(0, partitionCount).Select(partition => producer.ProduceAsync(
            new TopicPartition(topic, partition),
            new Message<string, string> { Key = $"{phase}-{partition}", Value = phase })));
}
