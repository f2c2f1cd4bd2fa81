using ConcertBooking.Contracts;
using ConcertBooking.Messaging.Hosting;

namespace ConcertBooking.Api;

public static class DownstreamServices
{
    public const string NotificationGroup = "notification-service";
    public const string RankingGroup = "ranking-service";
    public const string DataPlatformGroup = "data-platform";

    /// <summary>The consumer groups this process runs, by role (seed 7.5, 7.6).</summary>
    public static IHostApplicationBuilder AddDownstreamServices(this IHostApplicationBuilder builder, MessagingRoles roles)
    {
        if (roles.Has(MessagingRoles.Notification))
        {
            builder.Services.AddRecordingConsumer(NotificationGroup, [Topics.ReservationEvents, Topics.PaymentEvents, Topics.ConcertEvents]);
        }

        if (roles.Has(MessagingRoles.Ranking))
        {
            builder.Services.AddRecordingConsumer(RankingGroup, [Topics.ReservationEvents, Topics.ConcertEvents]);
        }

        if (roles.Has(MessagingRoles.DataPlatform))
        {
            builder.Services.AddRecordingConsumer(DataPlatformGroup, Topics.All);
        }

        return builder;
    }
}
