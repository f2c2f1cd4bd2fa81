namespace ConcertBooking.Notifications.Persistence;

/// <summary>A fan waiting on a concert, to be told when it sells out.</summary>
public sealed class WaitlistEntry
{
    public required long ConcertId { get; init; }

    public required long UserId { get; init; }

    /// <summary>From the token at the time of joining: the sold-out notice goes there.</summary>
    public required string Email { get; init; }

    public required string ConcertName { get; init; }

    public required DateTimeOffset JoinedAt { get; init; }
}
