using ConcertBooking.Contracts;
using ConcertBooking.DataPlatform.Analytics;
using ConcertBooking.DataPlatform.Rebuild;
using ConcertBooking.Infrastructure;
using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Messaging.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ConcertBooking.DataPlatform;

/// <summary>
/// The data platform (seed 7.6): reads every topic in its own group, keeps each event once in an archive (the audit
/// trail of seed 5.2) and turns them into event-time analytics; answers for any past moment from the archive and
/// rebuilds read models from a point in time.
/// </summary>
public static class DataPlatformService
{
    public const string GroupId = "data-platform";

    /// <summary>Registers the tables, queries and rebuild; with <paramref name="runConsumer"/> this process also
    /// consumes in the group (the endpoints work either way, from the shared database).</summary>
    public static IHostApplicationBuilder AddDataPlatformService(this IHostApplicationBuilder builder, bool runConsumer)
    {
        var services = builder.Services;
        services.AddDbContextPool<DataPlatformDbContext>(PersistenceExtensions.UseBookingDatabase);
        services.AddDatabaseSchema<DataPlatformDbContext>();
        services.AddScoped<DataPlatformWriter>();
        services.AddScoped<AnalyticsQueries>();
        services.AddScoped<ReadModelRebuild>();
        services.AddSingleton<KafkaReplayReader>();
        services.AddReadModelRebuilder<DataPlatformRebuilder>(GroupId);
        services.AddConsumerGroup(
            GroupId,
            Topics.All,
            runConsumer,
            (sp, _) => ActivatorUtilities.CreateInstance<DataPlatformEventHandler>(sp));
        return builder;
    }
}
