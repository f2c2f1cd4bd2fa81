using ConcertBooking.Notifications.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Notifications.Endpoints;

internal sealed class NotificationQueries(NotificationsDbContext db)
{
    public Task<List<NotificationDto>> MineAsync(long userId, int limit, CancellationToken cancellationToken) =>
        db.Notifications.AsNoTracking()
            .Where(n => n.UserId == userId)
            .OrderByDescending(n => n.CreatedAt)
            .ThenByDescending(n => n.Id)
            .Take(limit)
            .Select(n => new NotificationDto(n.Id, n.Type, n.EventId, n.Subject, n.Body, n.CreatedAt, n.DeliveredAt))
            .ToListAsync(cancellationToken);
}
