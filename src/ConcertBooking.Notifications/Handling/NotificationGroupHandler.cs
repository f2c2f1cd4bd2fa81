using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Notifications.Delivery;
using ConcertBooking.Notifications.Persistence;
using ConcertBooking.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Notifications.Handling;

/// <summary>
/// The notification-service group's work on a batch: store first (one transaction with the processed-events
/// record), then deliver outside it. A delivery failure fails the batch, so the runtime retries it and finally
/// dead-letters the record; the retry finds the events applied and only sends what is still undelivered.
/// </summary>
internal sealed partial class NotificationGroupHandler(
    [ServiceKey] string groupId,
    WriteTransactions<NotificationsDbContext> transactions,
    TimeProvider clock,
    ILogger<NotificationGroupHandler> logger,
    NotificationDelivery? delivery = null) : IKeepsProcessedEventsIn<NotificationsDbContext>
{
    public async Task HandleAsync(IReadOnlyList<ConsumedEvent> events, CancellationToken cancellationToken)
    {
        var recorder = new NotificationRecorder(transactions, groupId, clock);
        await recorder.HandleAsync(events, cancellationToken);
        if (delivery is null)
        {
            // One line a batch: a line a notification would be one per hold in a ticket drop, and logs an address.
            if (recorder.Stored.Count > 0)
            {
                LogStoredOnly(recorder.Stored.Count);
            }

            foreach (var notification in recorder.Stored)
            {
                LogStoredNotification(notification.Type, notification.Email, notification.Subject, notification.EventId);
            }

            return;
        }

        // Every event of the batch, including those the recorder skipped as already applied: an earlier attempt
        // may have stored their notifications and then failed to send them.
        await delivery.DeliverPendingAsync(events.Select(e => e.EventId).Distinct().ToList(), cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "{Count} notifications stored, not mailed (no Notifications:Smtp:Host); fans read them at GET /api/me/notifications")]
    private partial void LogStoredOnly(int count);

    [LoggerMessage(Level = LogLevel.Debug,
        Message = "{NotificationType} for {Email} stored, not mailed (no Notifications:Smtp:Host): {Subject} (event {EventId})")]
    private partial void LogStoredNotification(NotificationType notificationType, string email, string subject, Guid eventId);
}
