namespace ConcertBooking.Notifications.Persistence;

public enum NotificationType
{
    ReservationConfirmation,
    PaymentReceipt,
    ConcertSoldOut,
    QueueClosed,
}

/// <summary>
/// A message to one fan about one event. At most one exists per (event, recipient): the unique index makes a
/// redelivered or replayed event unable to notify anyone twice.
/// </summary>
public sealed class Notification
{
    public long Id { get; private set; }

    public required NotificationType Type { get; init; }

    /// <summary>The event that caused it: RESERVATION_CREATED, PAYMENT_COMPLETED, CONCERT_SOLD_OUT or QUEUE_CLOSED.</summary>
    public required Guid EventId { get; init; }

    public required long UserId { get; init; }

    public required string Email { get; init; }

    public required string Subject { get; init; }

    public required string Body { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When a mail server accepted it; null while it is stored only (no SMTP configured, or not sent yet).</summary>
    public DateTimeOffset? DeliveredAt { get; set; }
}
