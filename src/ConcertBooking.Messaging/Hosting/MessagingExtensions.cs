using ConcertBooking.Contracts;
using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace ConcertBooking.Messaging.Hosting;

public static class MessagingExtensions
{
    /// <summary>Kafka for this process: the connection, topic provisioning, the consumer runtime's shared parts,
    /// the admin queries and the metrics. Consumer groups are added with <see cref="AddConsumerGroup{THandler}"/>.</summary>
    public static IHostApplicationBuilder AddKafkaMessaging(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<KafkaOptions>().Bind(builder.Configuration.GetSection(KafkaOptions.SectionName))
            .Validate(o => o.Topics.Partitions >= 1 && o.Topics.ReplicationFactor >= 1, "Kafka:Topics needs partitions and replication factor of at least 1.")
            .ValidateOnStart();
        services.AddOptions<RetryOptions>().Bind(builder.Configuration.GetSection(RetryOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ConsumerLoopOptions>().Bind(builder.Configuration.GetSection(ConsumerLoopOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOutbox(builder.Configuration);

        // The relay, the consumer loop and the cluster host all take a clock; a process that composes messaging
        // without the API (which registers one) must not fail to start for want of it.
        services.TryAddSingleton(TimeProvider.System);

        // Version 1 RESERVATION_CREATED events may lack expiresAt: the hold then lasted the booking side's hold
        // duration, which the whole deployment configures in one place.
        // Read when first needed, so that the booking side's own options validation reports a bad value first.
        services.TryAddSingleton(sp => new UpcastDefaults(
            sp.GetRequiredService<IConfiguration>().GetValue(UpcastDefaults.HoldDurationKey, UpcastDefaults.Standard.HoldDuration)));

        services.AddSingleton<KafkaClientLog>();
        services.AddSingleton<KafkaConnection>();
        services.AddSingleton<ConsumerGroupMonitor>();
        services.AddSingleton<MessagingMetrics>();
        services.AddSingleton<KafkaAdminQueries>();
        services.AddSingleton<DeadLetterPublisher>();
        services.AddSingleton<RetryThenDeadLetter>();
        services.AddSingleton<ConsumeLoopFactory>();
        services.AddSingleton(sp => new ConsumerGroupControls(sp.GetServices<ConsumerGroupRegistration>()));
        services.AddHostedService<KafkaClusterHost>();
        services.AddHealthChecks().AddCheck<KafkaHealthCheck>("kafka", tags: ["ready"]);
        return builder;
    }

    /// <summary>
    /// Declares a consumer group of the system: its id, the topics it reads and its handler (resolved from DI per
    /// batch, keyed by the group id, so a handler's constructor can take the id with <c>[ServiceKey]</c>). The group
    /// runs in this process when the process has its role (by default the group id). A handler that keeps its
    /// processed-event records (<see cref="IKeepsProcessedEventsIn{TContext}"/>) also gets them pruned by age.
    /// </summary>
    public static IHostApplicationBuilder AddConsumerGroup<THandler>(
        this IHostApplicationBuilder builder, string groupId, IReadOnlyList<string> topics, string? role = null)
        where THandler : class, IEventBatchHandler
    {
        var services = builder.Services;
        services.AddSingleton(new ConsumerGroupSubscription(groupId, topics));
        services.AddKeyedScoped<IEventBatchHandler, THandler>(groupId);
        if (!ProcessRoles.Of(builder).Has(role ?? groupId))
        {
            return builder;
        }

        var registration = new ConsumerGroupRegistration(groupId, topics);
        services.AddSingleton(registration);
        services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<ConsumerGroupWorker>(sp, registration));
        services.AddHealthChecks().AddTypeActivatedCheck<ConsumerGroupHealthCheck>($"consumer-group:{groupId}", null, ["ready"], groupId);
        if (ProcessedEventsContext(typeof(THandler)) is { } context)
        {
            var pruner = typeof(ProcessedEventsPruner<>).MakeGenericType(context);
            services.AddSingleton(sp => (IHostedService)ActivatorUtilities.CreateInstance(sp, pruner, groupId));
        }

        return builder;
    }

    private static Type? ProcessedEventsContext(Type handler) =>
        handler.GetInterfaces()
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IKeepsProcessedEventsIn<>))
            ?.GetGenericArguments()[0];
}

internal sealed class KafkaHealthCheck(KafkaConnection connection) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(connection.IsReady
            ? HealthCheckResult.Healthy($"Kafka at {connection.BootstrapServers}")
            : HealthCheckResult.Unhealthy($"Kafka at {connection.BootstrapServers} is not reachable or its topics are not provisioned yet."));
}
