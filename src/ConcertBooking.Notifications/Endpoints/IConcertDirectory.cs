namespace ConcertBooking.Notifications.Endpoints;

/// <summary>What the waitlist needs to know of concerts, which the booking side owns.</summary>
public interface IConcertDirectory
{
    /// <summary>The concert's name; null when there is no such concert.</summary>
    Task<string?> NameAsync(long concertId, CancellationToken cancellationToken);
}
