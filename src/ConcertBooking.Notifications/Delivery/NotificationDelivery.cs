using ConcertBooking.Notifications.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ConcertBooking.Notifications.Delivery;

/// <summary>
/// Sends a batch's stored, undelivered notifications and records each as delivered. It runs after the batch's
/// transaction committed, so a slow or failing mail server never holds the database's write lock, and a
/// notification already marked delivered is never sent again.
/// </summary>
internal sealed partial class NotificationDelivery(
    NotificationsDbContext db,
    INotificationSender sender,
    TimeProvider clock,
    ILogger<NotificationDelivery> logger)
{
    public async Task DeliverPendingAsync(IReadOnlyList<Guid> eventIds, CancellationToken cancellationToken)
    {
        var pending = await db.Notifications
            .Where(n => eventIds.Contains(n.EventId) && n.DeliveredAt == null)
            .OrderBy(n => n.Id)
            .ToListAsync(cancellationToken);
        try
        {
            foreach (var notification in pending)
            {
                await sender.SendAsync(notification, cancellationToken);
                notification.DeliveredAt = clock.GetUtcNow();
                LogDelivered(notification.Type, notification.Email, notification.Id);
            }
        }
        finally
        {
            // Recorded even when a later send failed, so the retry sends only what is still pending; and even on
            // shutdown, since those mails have left.
            if (db.ChangeTracker.HasChanges())
            {
                await db.SaveChangesAsync(CancellationToken.None);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Mailed {NotificationType} to {Email} (notification {NotificationId})")]
    private partial void LogDelivered(NotificationType notificationType, string email, long notificationId);
}
