namespace ConcertBooking.Notifications.Endpoints;

/// <summary>What the waitlist needs to know of concerts, which the booking side owns.</summary>
public interface IConcertDirectory
{
    /// <summary>The concert's name and when it sold out; null when there is no such concert.</summary>
    Task<ConcertListing?> FindAsync(long concertId, CancellationToken cancellationToken);
}

public sealed record ConcertListing(string Name, DateTimeOffset? SoldOutAt);
