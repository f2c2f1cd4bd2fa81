using ConcertBooking.Contracts;
using ConcertBooking.Infrastructure;
using ConcertBooking.Messaging.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ConcertBooking.Rankings;

/// <summary>The ranking-service (seed 7.5): booking and sold-out-speed rankings from the event stream.</summary>
public static class RankingService
{
    public const string GroupId = "ranking-service";

    /// <summary>Holds from reservation-events, confirmations from payment-events, sell-outs from concert-events.</summary>
    public static readonly IReadOnlyList<string> ConsumedTopics = [Topics.ReservationEvents, Topics.PaymentEvents, Topics.ConcertEvents];

    /// <summary>The ranking tables and queries; with <paramref name="runConsumer"/> this process also runs the group.</summary>
    public static IHostApplicationBuilder AddRankingService(this IHostApplicationBuilder builder, bool runConsumer)
    {
        var services = builder.Services;
        services.AddDbContextPool<RankingDbContext>(PersistenceExtensions.UseBookingDatabase);
        services.AddDatabaseSchema<RankingDbContext>();
        services.AddScoped<RankingQueries>();
        services.AddConsumerGroup(GroupId, ConsumedTopics, runConsumer, (sp, group) => new RankingEventHandler(
            sp.GetRequiredService<RankingDbContext>(),
            group,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RankingEventHandler>>()));
        return builder;
    }
}
