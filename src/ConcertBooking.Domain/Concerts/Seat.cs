using ConcertBooking.Domain.Common;

namespace ConcertBooking.Domain.Concerts;

public enum SeatStatus
{
    Available,
    Held,
    Sold,
}

public sealed class Seat
{
    private Seat()
    {
        Label = null!;
        Section = null!;
    }

    internal Seat(Concert concert, string label, string section, long price)
    {
        Concert = concert;
        Label = label;
        Section = section;
        Price = price;
    }

    public long Id { get; private set; }

    public long ConcertId { get; private set; }

    public Concert? Concert { get; private set; }

    public string Label { get; private set; }

    public string Section { get; private set; }

    /// <summary>Whole KRW.</summary>
    public long Price { get; private set; }

    public SeatStatus Status { get; private set; }

    /// <summary>When the current hold lapses. A held seat past this instant is available even before the sweeper
    /// has released it.</summary>
    public DateTimeOffset? HeldUntil { get; private set; }

    /// <summary>Concurrency token: every change to a seat is a conditional update on it, so two holds of one seat
    /// cannot both commit, whatever the number of API processes.</summary>
    public int Version { get; private set; }

    public SeatStatus StatusAt(DateTimeOffset now) =>
        Status == SeatStatus.Held && HeldUntil <= now ? SeatStatus.Available : Status;

    internal void Hold(DateTimeOffset until, DateTimeOffset now)
    {
        if (StatusAt(now) != SeatStatus.Available)
        {
            throw BookingErrors.SeatUnavailable(Id);
        }

        Status = SeatStatus.Held;
        HeldUntil = until;
        Version++;
    }

    internal void Release()
    {
        Status = SeatStatus.Available;
        HeldUntil = null;
        Version++;
    }

    internal void Sell()
    {
        Status = SeatStatus.Sold;
        HeldUntil = null;
        Version++;
    }
}
