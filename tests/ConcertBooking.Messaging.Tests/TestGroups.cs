using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ConcertBooking.Messaging.Tests;

/// <summary>Consumer groups with the test's own handler instances, run by the production runtime.</summary>
internal static class TestGroups
{
    public static IServiceCollection AddTestConsumerGroup(
        this IServiceCollection services, string groupId, IReadOnlyList<string> topics, bool runHere, Func<IServiceProvider, string, IEventBatchHandler> createHandler)
    {
        services.AddSingleton(new ConsumerGroupSubscription(groupId, topics));
        services.AddKeyedScoped<IEventBatchHandler>(groupId, (sp, _) => createHandler(sp, groupId));
        if (runHere)
        {
            var registration = new ConsumerGroupRegistration(groupId, topics);
            services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<ConsumerGroupWorker>(sp, registration));
        }

        return services;
    }

    /// <summary>A group whose only state is the record of what it processed.</summary>
    public static IServiceCollection AddRecordingConsumerGroup(this IServiceCollection services, string groupId, IReadOnlyList<string> topics, bool runHere)
    {
        services.AddServiceDatabase<ProcessedEventsDbContext>(DatabaseExtensions.DefaultConnection, migrated: false);
        return services.AddTestConsumerGroup(groupId, topics, runHere, (sp, group) =>
            new RecordingEventHandler(sp.GetRequiredService<WriteTransactions<ProcessedEventsDbContext>>(), group, sp.GetRequiredService<TimeProvider>()));
    }
}

/// <summary>The processed-events table on its own, for groups that keep no other state.</summary>
internal sealed class ProcessedEventsDbContext(DbContextOptions<ProcessedEventsDbContext> options) : DbContext(options)
{
    public DbSet<ProcessedEvent> ProcessedEvents => Set<ProcessedEvent>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        DbConventions.Apply(configurationBuilder, Database);

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddProcessedEvents();
}

internal sealed class RecordingEventHandler(WriteTransactions<ProcessedEventsDbContext> transactions, string groupId, TimeProvider clock)
    : IdempotentEventHandler<ProcessedEventsDbContext>(transactions, groupId, clock)
{
    protected override Task ApplyAsync(ProcessedEventsDbContext db, IReadOnlyList<ConsumedEvent> events, CancellationToken cancellationToken) => Task.CompletedTask;
}
