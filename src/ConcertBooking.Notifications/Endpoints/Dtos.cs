using ConcertBooking.Notifications.Persistence;

namespace ConcertBooking.Notifications.Endpoints;

public sealed record NotificationDto(
    long Id,
    NotificationType Type,
    Guid EventId,
    string Subject,
    string Body,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeliveredAt);

public sealed record WaitlistEntryDto(long ConcertId, string ConcertName, DateTimeOffset JoinedAt)
{
    public static WaitlistEntryDto From(WaitlistEntry entry) => new(entry.ConcertId, entry.ConcertName, entry.JoinedAt);
}
