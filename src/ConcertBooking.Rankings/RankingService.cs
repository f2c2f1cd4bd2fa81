using ConcertBooking.Contracts;
using ConcertBooking.Persistence;
using ConcertBooking.Messaging.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ConcertBooking.Rankings;

/// <summary>The ranking-service (seed 7.5): booking and sold-out-speed rankings from the event stream.</summary>
public static class RankingService
{
    public const string GroupId = "ranking-service";
    public const string Role = "ranking";

    /// <summary>Its database: <c>ConnectionStrings:Rankings</c>, else the booking database.</summary>
    public const string ConnectionName = "Rankings";

    /// <summary>Holds from reservation-events, confirmations from payment-events, sell-outs from concert-events.</summary>
    public static readonly IReadOnlyList<string> ConsumedTopics = [Topics.ReservationEvents, Topics.PaymentEvents, Topics.ConcertEvents];

    /// <summary>The ranking tables and queries, and the group (run here with the <c>ranking</c> role).</summary>
    public static IHostApplicationBuilder AddRankingService(this IHostApplicationBuilder builder)
    {
        builder.Services.AddServiceDatabase<RankingDbContext>(ConnectionName);
        builder.Services.AddScoped<RankingQueries>();
        return builder.AddConsumerGroup<RankingEventHandler>(GroupId, ConsumedTopics, Role);
    }
}
