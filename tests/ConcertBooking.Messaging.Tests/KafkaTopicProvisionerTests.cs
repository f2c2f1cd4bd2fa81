using ConcertBooking.Messaging.Embedded;

using Confluent.Kafka;

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Messaging.Tests;

public sealed class KafkaTopicProvisionerTests
{
    [Fact]
    public async Task Existing_topic_with_fewer_partitions_is_kept_and_reported()
    {
        using EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.Start();
        cluster.CreateTopic(TopicNames.ReservationEvents, partitions: 1, replicationFactor: 3);
        ListLogger<KafkaTopicProvisioner> logger = new();

        using CancellationTokenSource timeout = new(TestClients.Timeout);
        TopicProvisioningResult result = await new KafkaTopicProvisioner(Options.Create(new KafkaOptions()), cluster.BootstrapServers, logger, new EmbeddedTopicCreator(cluster, logger))
            .ProvisionAsync(timeout.Token);

        Assert.Equal([TopicNames.ReservationEvents], result.AlreadyExisting);
        Assert.Equal(TopicNames.All.Except([TopicNames.ReservationEvents]), result.Created);
        (LogLevel _, string warning) = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains(TopicNames.ReservationEvents, warning, StringComparison.Ordinal);
        Assert.Contains("1 partitions", warning, StringComparison.Ordinal);

        using IAdminClient admin = TestClients.Admin(cluster.BootstrapServers);
        Assert.Single(admin.GetMetadata(TopicNames.ReservationEvents, TestClients.Timeout).Topics.Single().Partitions);
    }

    [Fact]
    public async Task External_mode_leaves_existing_topics_alone_without_calling_create()
    {
        // Pointing at the mock as if it were an external cluster exercises the AdminClient path; with every topic
        // present it must not need CreateTopics, which the mock lacks.
        using EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.Start();
        foreach (string topic in TopicNames.All)
        {
            cluster.CreateTopic(topic, 3, 3);
        }

        KafkaTopicProvisioner provisioner = new(
            Options.Create(new KafkaOptions { BootstrapServers = cluster.BootstrapServers }),
            cluster.BootstrapServers,
            NullLogger<KafkaTopicProvisioner>.Instance);

        using CancellationTokenSource timeout = new(TestClients.Timeout);
        TopicProvisioningResult result = await provisioner.ProvisionAsync(timeout.Token);

        Assert.Empty(result.Created);
        Assert.Equal(TopicNames.All, result.AlreadyExisting);
    }

    [Fact]
    public async Task External_mode_creates_missing_topics_through_the_admin_api()
    {
        // The mock refuses CreateTopics, so its error is the evidence that the AdminClient was asked; it arrives at
        // once only because the embedded cluster names a controller.
        using EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.Start();
        KafkaTopicProvisioner provisioner = new(
            Options.Create(new KafkaOptions { BootstrapServers = cluster.BootstrapServers }),
            cluster.BootstrapServers,
            NullLogger<KafkaTopicProvisioner>.Instance);

        using CancellationTokenSource timeout = new(TestClients.Timeout);
        KafkaException error = await Assert.ThrowsAnyAsync<KafkaException>(() => provisioner.ProvisionAsync(timeout.Token));
        Assert.Contains("Topic Admin API", error.Message, StringComparison.Ordinal);
    }
}
