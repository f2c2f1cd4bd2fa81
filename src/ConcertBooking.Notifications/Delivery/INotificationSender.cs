using ConcertBooking.Notifications.Persistence;

namespace ConcertBooking.Notifications.Delivery;

/// <summary>A channel that notifications leave the system through.</summary>
public interface INotificationSender
{
    /// <summary>Hands one notification to the channel. Throws when the channel refuses it or cannot be reached; the
    /// consumer group's retry and dead-letter policy takes it from there.</summary>
    Task SendAsync(Notification notification, CancellationToken cancellationToken);
}
