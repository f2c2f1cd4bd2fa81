namespace ConcertBooking.Notifications.Persistence;

/// <summary>A fan who joined a concert's waiting room, from QUEUE_JOINED: where to tell them if the queue closes
/// before their turn (QUEUE_CLOSED names fans by id only). Kept until the queue closes.</summary>
public sealed class QueueWaiter
{
    public required long ConcertId { get; init; }

    public required long UserId { get; init; }

    public required string Email { get; init; }
}
