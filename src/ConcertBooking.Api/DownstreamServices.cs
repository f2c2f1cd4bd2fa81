using ConcertBooking.Contracts;
using ConcertBooking.Messaging.Hosting;
using ConcertBooking.Notifications;
using ConcertBooking.Rankings;

namespace ConcertBooking.Api;

public static class DownstreamServices
{
    public const string NotificationGroup = NotificationService.GroupId;
    public const string RankingGroup = RankingService.GroupId;
    public const string DataPlatformGroup = "data-platform";

    /// <summary>The consumer groups this process runs, by role (seed 7.5, 7.6).</summary>
    public static IHostApplicationBuilder AddDownstreamServices(this IHostApplicationBuilder builder, MessagingRoles roles)
    {
        var services = builder.Services;
        builder.AddNotificationService(roles.Has(MessagingRoles.Notification));
        builder.AddRankingService(roles.Has(MessagingRoles.Ranking));
        services.AddRecordingConsumerGroup(
            DataPlatformGroup, Topics.All, roles.Has(MessagingRoles.DataPlatform));

        return builder;
    }
}
