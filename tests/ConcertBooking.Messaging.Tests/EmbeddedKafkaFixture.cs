using ConcertBooking.Messaging.Embedded;

using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Messaging.Tests;

/// <summary>One provisioned 3-broker cluster shared by a test class; starting one takes milliseconds, but provisioning is part of what is tested.</summary>
public sealed class EmbeddedKafkaFixture : IAsyncLifetime
{
    private EmbeddedKafkaCluster? _cluster;
    private TopicProvisioningResult? _firstProvisioning;

    public EmbeddedKafkaCluster Cluster => _cluster ?? throw new InvalidOperationException("Not initialized.");

    public TopicProvisioningResult FirstProvisioning => _firstProvisioning ?? throw new InvalidOperationException("Not initialized.");

    public KafkaTopicProvisioner CreateProvisioner() => TestCluster.Provisioner(Cluster);

    public async Task InitializeAsync()
    {
        _cluster = EmbeddedKafkaCluster.Start(brokerCount: 3);

        // Each test uses a fresh consumer group; the default 3 s wait for more members would dominate the run time.
        _cluster.SetGroupInitialRebalanceDelay(TimeSpan.Zero);

        using CancellationTokenSource timeout = new(TestClients.Timeout);
        _firstProvisioning = await CreateProvisioner().ProvisionAsync(timeout.Token);
    }

    public Task DisposeAsync()
    {
        _cluster?.Dispose();
        return Task.CompletedTask;
    }
}
