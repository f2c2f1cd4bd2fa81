using ConcertBooking.Contracts;
using ConcertBooking.DataPlatform;
using ConcertBooking.Messaging.Hosting;

namespace ConcertBooking.Api;

public static class DownstreamServices
{
    public const string NotificationGroup = "notification-service";
    public const string RankingGroup = "ranking-service";
    public const string DataPlatformGroup = DataPlatformService.GroupId;

    /// <summary>The consumer groups this process runs, by role (seed 7.5, 7.6).</summary>
    public static IHostApplicationBuilder AddDownstreamServices(this IHostApplicationBuilder builder, MessagingRoles roles)
    {
        var services = builder.Services;
        services.AddRecordingConsumerGroup(
            NotificationGroup, [Topics.ReservationEvents, Topics.PaymentEvents, Topics.ConcertEvents], roles.Has(MessagingRoles.Notification));
        services.AddRecordingConsumerGroup(
            RankingGroup, [Topics.ReservationEvents, Topics.ConcertEvents], roles.Has(MessagingRoles.Ranking));
        builder.AddDataPlatformService(roles.Has(MessagingRoles.DataPlatform));

        return builder;
    }
}
