using ConcertBooking.Domain.Concerts;

namespace ConcertBooking.Storefront.Catalog;

/// <summary>A concert as the pages show it: availability, the range of its section prices, and whether fans
/// reach its seats through an open waiting room.</summary>
public sealed record ConcertCard(
    long Id,
    string Name,
    string Venue,
    DateTimeOffset StartsAt,
    DateTimeOffset BookingOpensAt,
    int TotalSeats,
    int AvailableSeats,
    ConcertStatus Status,
    long MinPrice,
    long MaxPrice,
    bool WaitingRoom);

/// <summary>Seats by section and row, in seat-id order: the order of the live status string.</summary>
public sealed record SeatMap(ConcertCard Concert, IReadOnlyList<SectionView> Sections)
{
    public int SeatCount => Sections.Sum(s => s.Rows.Sum(r => r.Seats.Count));
}

public sealed record SectionView(string Name, long Price, IReadOnlyList<RowView> Rows);

public sealed record RowView(string Name, IReadOnlyList<SeatView> Seats);

public sealed record SeatView(long Id, string Label, string Number, SeatStatus Status);

/// <summary>One seat by id, for listing a fan's reservations with readable labels.</summary>
public sealed record SeatLabel(long SeatId, string Label, string Section, long ConcertId, string ConcertName);

/// <summary>A concert's waiting-room page: the concert, and when its waiting room opens (null: it has none).</summary>
public sealed record WaitingRoomView(ConcertCard Concert, DateTimeOffset? OpensAt);
