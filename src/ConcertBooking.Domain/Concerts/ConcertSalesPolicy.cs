using ConcertBooking.Domain.Common;

namespace ConcertBooking.Domain.Concerts;

/// <summary>
/// How a concert's seats are sold, set by the box office beside the concert itself: how many seats one fan may
/// hold or own at once. The limit is enforced by the database (a per-fan counter row updated conditionally in the
/// hold's transaction), not by this class.
/// </summary>
public sealed class ConcertSalesPolicy
{
    /// <summary>Interpark's and most Korean sites' per-performance limit.</summary>
    public const int DefaultMaxTicketsPerFan = 4;

    /// <summary>A box office may sell a whole hall to one buyer (a company event), so the limit goes up to that.</summary>
    public const int HighestMaxTicketsPerFan = Concert.MaxSeats;

    private ConcertSalesPolicy()
    {
    }

    public long ConcertId { get; private set; }

    /// <summary>Seats one fan may have held or confirmed for this concert at the same time.</summary>
    public int MaxTicketsPerFan { get; private set; }

    public static ConcertSalesPolicy For(long concertId, int maxTicketsPerFan)
    {
        var policy = new ConcertSalesPolicy { ConcertId = concertId };
        policy.SetMaxTicketsPerFan(maxTicketsPerFan);
        return policy;
    }

    public void SetMaxTicketsPerFan(int maxTicketsPerFan)
    {
        if (maxTicketsPerFan is < 1 or > HighestMaxTicketsPerFan)
        {
            throw BookingErrors.Validation($"maxTicketsPerFan must be between 1 and {HighestMaxTicketsPerFan}.");
        }

        MaxTicketsPerFan = maxTicketsPerFan;
    }
}
