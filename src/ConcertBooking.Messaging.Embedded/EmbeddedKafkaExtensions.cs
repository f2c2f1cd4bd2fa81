using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Messaging.Hosting;
using ConcertBooking.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ConcertBooking.Messaging.Embedded;

public static class EmbeddedKafkaExtensions
{
    /// <summary>
    /// With no <c>Kafka:BootstrapServers</c>, a development cluster: librdkafka's mock brokers in process, one cluster
    /// per data directory shared by every process on it, and what makes up for the mock's limits (restart
    /// republishing and gap repair from <typeparamref name="TOutboxContext"/>'s outbox, the backlog guard, client
    /// settings). Does nothing when a real cluster is configured.
    /// </summary>
    public static IHostApplicationBuilder AddEmbeddedKafkaUnlessConfigured<TOutboxContext>(this IHostApplicationBuilder builder)
        where TOutboxContext : DbContext
    {
        if (!string.IsNullOrWhiteSpace(builder.Configuration[$"{KafkaOptions.SectionName}:{nameof(KafkaOptions.BootstrapServers)}"]))
        {
            return builder;
        }

        var services = builder.Services;
        services.AddOptions<EmbeddedKafkaOptions>().Bind(builder.Configuration.GetSection(EmbeddedKafkaOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<EmbeddedClusterSource>();
        services.AddSingleton<IKafkaClusterSource>(sp => sp.GetRequiredService<EmbeddedClusterSource>());
        services.AddSingleton<ITopicCreator>(sp => sp.GetRequiredService<EmbeddedClusterSource>());
        services.AddSingleton<IConfigureKafkaClients, EmbeddedClientTuning>();
        services.AddSingleton<IBrokerFaults, EmbeddedBrokerFaults>();
        services.AddSingleton<IOutboxRepublisher, OutboxRepublisher<TOutboxContext>>();
        services.AddSingleton<IPublishPacer, EmbeddedBacklogGuard>();
        services.AddOutboxGapRepair<TOutboxContext>();
        services.AddHostedService<IgnoredSettingsWarning>();
        return builder;
    }

    /// <summary>Consumer groups repair gaps from <typeparamref name="TOutboxContext"/>'s outbox: for a process on a
    /// mock cluster it did not start itself (benchmarks, tests), which can drop records no group has read.</summary>
    public static IServiceCollection AddOutboxGapRepair<TOutboxContext>(this IServiceCollection services)
        where TOutboxContext : DbContext =>
        services.AddSingleton<IRecordGapRepair, OutboxGapRepair<TOutboxContext>>();

    /// <summary>The embedded cluster this process owns, for tests and fault injection; null when it joined
    /// another process's cluster or runs against a real one.</summary>
    public static EmbeddedKafkaCluster? EmbeddedCluster(this IServiceProvider services) =>
        services.GetService<EmbeddedClusterSource>()?.Cluster;
}
