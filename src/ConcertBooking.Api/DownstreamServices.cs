using ConcertBooking.DataPlatform;
using ConcertBooking.Infrastructure.Persistence;
using ConcertBooking.Notifications;
using ConcertBooking.Notifications.Endpoints;
using ConcertBooking.Rankings;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Api;

public static class DownstreamServices
{
    public const string NotificationGroup = NotificationService.GroupId;
    public const string RankingGroup = RankingService.GroupId;
    public const string DataPlatformGroup = DataPlatformService.GroupId;

    /// <summary>The services that react to the booking events (seed 7.5, 7.6): each declares its consumer group,
    /// which runs in this process when the process has the group's role.</summary>
    public static IHostApplicationBuilder AddDownstreamServices(this IHostApplicationBuilder builder)
    {
        builder.AddNotificationService();
        builder.AddRankingService();
        builder.AddDataPlatformService();
        builder.Services.AddScoped<IConcertDirectory, BookedConcerts>();
        return builder;
    }

    /// <summary>The waitlist's view of the booking side's concerts.</summary>
    private sealed class BookedConcerts(BookingDbContext booking) : IConcertDirectory
    {
        public Task<ConcertListing?> FindAsync(long concertId, CancellationToken cancellationToken) =>
            booking.Concerts.AsNoTracking()
                .Where(c => c.Id == concertId)
                .Select(c => new ConcertListing(c.Name, c.SoldOutAt))
                .FirstOrDefaultAsync(cancellationToken);
    }
}
