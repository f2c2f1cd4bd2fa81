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
    public Task DeliverPendingAsync(IReadOnlyList<Guid> eventIds, CancellationToken cancellationToken) =>
        DeliverAsync(db.Notifications.Where(n => eventIds.Contains(n.EventId) && n.DeliveredAt == null).OrderBy(n => n.Id), cancellationToken);

    /// <summary>Sends what was stored before <paramref name="storedBefore"/> and never delivered: left behind by a
    /// process that stopped between storing and sending, or by a mail server that was down for longer than the
    /// retry budget. Returns how many were sent.</summary>
    public async Task<int> DeliverOverdueAsync(DateTimeOffset storedBefore, int limit, CancellationToken cancellationToken)
    {
        var overdue = db.Notifications.Where(n => n.DeliveredAt == null && n.CreatedAt < storedBefore).OrderBy(n => n.Id).Take(limit);
        return await DeliverAsync(overdue, cancellationToken);
    }

    private async Task<int> DeliverAsync(IQueryable<Notification> query, CancellationToken cancellationToken)
    {
        var pending = await query.ToListAsync(cancellationToken);
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

        return pending.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Mailed {NotificationType} to {Email} (notification {NotificationId})")]
    private partial void LogDelivered(NotificationType notificationType, string email, long notificationId);
}
