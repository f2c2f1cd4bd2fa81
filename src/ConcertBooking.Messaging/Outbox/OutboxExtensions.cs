using ConcertBooking.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ConcertBooking.Messaging.Outbox;

/// <summary>
/// The transactional outbox as a module: its tables go into a service's own context (<see cref="AddOutbox(ModelBuilder)"/>),
/// its commit signal into that context's options (<see cref="UseOutboxSignal"/>), and its relay and pruner into
/// the processes that publish (<see cref="AddOutboxRelay{TContext}"/>).
/// </summary>
public static class OutboxExtensions
{
    /// <summary>Maps <c>OutboxMessages</c> and <c>OutboxLeases</c> into the context.</summary>
    public static ModelBuilder AddOutbox(this ModelBuilder modelBuilder)
    {
        new OutboxMessageConfiguration().Configure(modelBuilder.Entity<OutboxMessage>());
        return modelBuilder.AddLeases();
    }

    /// <summary>The commit signal that wakes the relay, and the outbox options.</summary>
    public static IServiceCollection AddOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<OutboxSignal>();
        services.TryAddSingleton<OutboxCommitInterceptor>();
        return services;
    }

    /// <summary>Wakes the relay whenever this context commits.</summary>
    public static DbContextOptionsBuilder UseOutboxSignal(this DbContextOptionsBuilder db, IServiceProvider services) =>
        db.AddInterceptors(services.GetRequiredService<OutboxCommitInterceptor>());

    /// <summary>Publishes <typeparamref name="TContext"/>'s outbox from this process (one publisher at a time, by
    /// lease) and deletes sent rows once they are older than <see cref="OutboxOptions.Retention"/>.</summary>
    public static IServiceCollection AddOutboxRelay<TContext>(this IServiceCollection services)
        where TContext : DbContext
    {
        services.AddSingleton<SentRecorder<TContext>>();
        services.AddSingleton<OutboxPublisher<TContext>>();
        services.AddHostedService<OutboxRelay<TContext>>();
        services.AddHostedService<OutboxPruner<TContext>>();
        return services;
    }
}
