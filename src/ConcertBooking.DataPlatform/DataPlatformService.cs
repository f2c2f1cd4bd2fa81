using ConcertBooking.Contracts;
using ConcertBooking.DataPlatform.Analytics;
using ConcertBooking.DataPlatform.Rebuild;
using ConcertBooking.Persistence;
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
    public const string Role = "data-platform";

    /// <summary>Its database: <c>ConnectionStrings:DataPlatform</c>, else the booking database.</summary>
    public const string ConnectionName = "DataPlatform";

    /// <summary>Registers the tables, queries and rebuild, and the group (run here with the <c>data-platform</c>
    /// role; the endpoints work either way, from the service's database).</summary>
    public static IHostApplicationBuilder AddDataPlatformService(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddServiceDatabase<DataPlatformDbContext>(ConnectionName);
        services.AddScoped<DataPlatformWriter>();
        services.AddScoped<AnalyticsQueries>();
        services.AddScoped<ReadModelRebuild>();
        services.AddSingleton<KafkaReplayReader>();
        services.AddReadModelRebuilder<DataPlatformRebuilder>(GroupId);
        return builder.AddConsumerGroup<DataPlatformEventHandler>(GroupId, Topics.All, Role);
    }
}
