using ConcertBooking.DataPlatform;
using ConcertBooking.Messaging.Hosting;
using ConcertBooking.Notifications;
using ConcertBooking.Rankings;

namespace ConcertBooking.Api;

public static class DownstreamServices
{
    public const string NotificationGroup = NotificationService.GroupId;
    public const string RankingGroup = RankingService.GroupId;
    public const string DataPlatformGroup = DataPlatformService.GroupId;

    /// <summary>The consumer groups this process runs, by role (seed 7.5, 7.6).</summary>
    public static IHostApplicationBuilder AddDownstreamServices(this IHostApplicationBuilder builder, MessagingRoles roles)
    {
        builder.AddNotificationService(roles.Has(MessagingRoles.Notification));
        builder.AddRankingService(roles.Has(MessagingRoles.Ranking));
        builder.AddDataPlatformService(roles.Has(MessagingRoles.DataPlatform));
        return builder;
    }
}
