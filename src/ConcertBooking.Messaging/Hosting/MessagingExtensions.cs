using ConcertBooking.Infrastructure;
using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Messaging.Embedded;
using ConcertBooking.Messaging.Outbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace ConcertBooking.Messaging.Hosting;

public static class MessagingExtensions
{
    /// <summary>Kafka for this process: the cluster connection (embedded or real), topic provisioning, the
    /// outbox relay when the relay role is on, and the metrics. Consumer groups are added with
    /// <see cref="AddKafkaConsumer"/>.</summary>
    public static IHostApplicationBuilder AddKafkaMessaging(this IHostApplicationBuilder builder, MessagingRoles roles)
    {
        var services = builder.Services;
        services.AddOptions<KafkaOptions>().Bind(builder.Configuration.GetSection(KafkaOptions.SectionName))
            .Validate(o => o.Topics.Partitions >= 1 && o.Topics.ReplicationFactor >= 1, "Kafka:Topics needs partitions and replication factor of at least 1.")
            .ValidateOnStart();
        services.AddOptions<OutboxOptions>().Bind(builder.Configuration.GetSection(OutboxOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RetryOptions>().Bind(builder.Configuration.GetSection(RetryOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ConsumerLoopOptions>().Bind(builder.Configuration.GetSection(ConsumerLoopOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton(roles);

        // The relay, the consumer loop and the cluster host all take a clock; a process that composes messaging
        // without the API (which registers one) must not fail to start for want of it.
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<KafkaConnection>();
        services.AddSingleton<MessagingMetrics>();
        services.AddSingleton<KafkaAdminQueries>();
        services.AddSingleton<EmbeddedBacklogGuard>();
        services.AddSingleton<OutboxCatchUp>();
        services.AddHostedService<KafkaClusterHost>();
        services.AddDbContextPool<MessagingDbContext>(PersistenceExtensions.UseBookingDatabase);
        services.AddDatabaseSchema<MessagingDbContext>();
        services.AddHealthChecks().AddCheck<KafkaHealthCheck>("kafka", tags: ["ready"]);

        if (roles.Has(MessagingRoles.Relay))
        {
            services.AddHostedService<OutboxRelay>();
            services.AddHostedService<OutboxPruner>();
        }

        return builder;
    }

    /// <summary>Declares a consumer group of the system; with <paramref name="runHere"/> this process also runs it.</summary>
    public static IServiceCollection AddConsumerGroup(
        this IServiceCollection services,
        string groupId,
        IReadOnlyList<string> topics,
        bool runHere,
        Func<IServiceProvider, string, IEventBatchHandler> createHandler)
    {
        services.AddSingleton(new ConsumerGroupSubscription(groupId, topics));
        if (runHere)
        {
            var registration = new ConsumerGroupRegistration(groupId, topics, createHandler);
            services.AddSingleton(registration);
            services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<KafkaConsumerWorker>(sp, registration));
        }

        return services;
    }

    /// <summary>A group that only records what it processed (until its service has logic of its own).</summary>
    public static IServiceCollection AddRecordingConsumerGroup(
        this IServiceCollection services, string groupId, IReadOnlyList<string> topics, bool runHere) =>
        services.AddConsumerGroup(groupId, topics, runHere, (sp, group) =>
            new RecordingEventHandler(sp.GetRequiredService<MessagingDbContext>(), group, sp.GetRequiredService<TimeProvider>()));
}

internal sealed class KafkaHealthCheck(KafkaConnection connection) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(connection.IsReady
            ? HealthCheckResult.Healthy($"Kafka at {connection.BootstrapServers}")
            : HealthCheckResult.Unhealthy($"Kafka at {connection.BootstrapServers} is not reachable or its topics are not provisioned yet."));
}
