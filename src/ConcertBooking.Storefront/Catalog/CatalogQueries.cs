using ConcertBooking.Domain.Concerts;
using ConcertBooking.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Storefront.Catalog;

/// <summary>Read-only queries behind the pages, on the booking tables.</summary>
public sealed class CatalogQueries(BookingDbContext db, TimeProvider clock)
{
    public const int MaxLabelIds = 200;

    public async Task<List<ConcertCard>> ConcertsAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var rows = await Cards(db.Concerts.AsNoTracking().OrderBy(c => c.StartsAt).ThenBy(c => c.Id), now).ToListAsync(cancellationToken);
        return rows.Select(r => r.ToCard(now)).ToList();
    }

    public async Task<SeatMap?> SeatMapAsync(long concertId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var row = await Cards(db.Concerts.AsNoTracking().Where(c => c.Id == concertId), now).FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return null;
        }

        var seats = await db.Seats.AsNoTracking().Where(s => s.ConcertId == concertId).OrderBy(s => s.Id).ToListAsync(cancellationToken);
        return new SeatMap(row.ToCard(now), GroupBySectionAndRow(seats, now));
    }

    /// <summary>The concert without its seats (the waiting room is read by every fan in line) and when its open
    /// waiting room lets fans join; null when there is no such concert.</summary>
    public async Task<WaitingRoomView?> WaitingRoomAsync(long concertId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var row = await Cards(db.Concerts.AsNoTracking().Where(c => c.Id == concertId), now).FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return null;
        }

        var opensAt = await db.ConcertQueues.AsNoTracking()
            .Where(q => q.ConcertId == concertId && q.Enabled && q.ClosedAt == null)
            .Select(q => (DateTimeOffset?)q.OpensAt)
            .FirstOrDefaultAsync(cancellationToken);
        return new WaitingRoomView(row.ToCard(now), opensAt);
    }

    /// <summary>One character per seat in seat-id order: <c>a</c>vailable, <c>h</c>eld, <c>s</c>old; null when
    /// there is no such concert.</summary>
    public async Task<SeatStates?> SeatStatesAsync(long concertId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var concert = await db.Concerts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == concertId, cancellationToken);
        if (concert is null)
        {
            return null;
        }

        var seats = await db.Seats.AsNoTracking().Where(s => s.ConcertId == concertId).OrderBy(s => s.Id).ToListAsync(cancellationToken);
        var states = string.Create(seats.Count, (seats, now), static (chars, state) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = Code(state.seats[i].StatusAt(state.now));
            }
        });
        return new SeatStates(concert.StatusAt(now), states.Count(c => c == 'a'), states);
    }

    public async Task<List<SeatLabel>> LabelsAsync(IReadOnlyCollection<long> seatIds, CancellationToken cancellationToken) =>
        await db.Seats.AsNoTracking()
            .Where(s => seatIds.Contains(s.Id))
            .Join(db.Concerts, s => s.ConcertId, c => c.Id, (s, c) => new SeatLabel(s.Id, s.Label, s.Section, c.Id, c.Name))
            .ToListAsync(cancellationToken);

    public static char Code(SeatStatus status) => status switch
    {
        SeatStatus.Available => 'a',
        SeatStatus.Held => 'h',
        _ => 's',
    };

    private static List<SectionView> GroupBySectionAndRow(List<Seat> seats, DateTimeOffset now)
    {
        // Seats were created section by section, row by row, so consecutive runs are the sections and rows.
        var sections = new List<SectionView>();
        var i = 0;
        while (i < seats.Count)
        {
            var section = seats[i].Section;
            var price = seats[i].Price;
            var rows = new List<RowView>();
            while (i < seats.Count && seats[i].Section == section)
            {
                var rowName = RowOf(seats[i].Label);
                var rowSeats = new List<SeatView>();
                while (i < seats.Count && seats[i].Section == section && RowOf(seats[i].Label) == rowName)
                {
                    var seat = seats[i++];
                    rowSeats.Add(new SeatView(seat.Id, seat.Label, seat.Label[(rowName.Length + 1)..], seat.StatusAt(now)));
                }

                rows.Add(new RowView(rowName, rowSeats));
            }

            sections.Add(new SectionView(section, price, rows));
        }

        return sections;
    }

    private static string RowOf(string label) => label.IndexOf('-', StringComparison.Ordinal) is var dash and > 0 ? label[..dash] : label;

    private IQueryable<CardRow> Cards(IQueryable<Concert> concerts, DateTimeOffset now) =>
        concerts.Select(c => new CardRow(
            c,
            db.Seats.Count(s => s.ConcertId == c.Id
                && (s.Status == SeatStatus.Available || (s.Status == SeatStatus.Held && s.HeldUntil <= now))),
            db.Seats.Where(s => s.ConcertId == c.Id).Min(s => (long?)s.Price) ?? 0,
            db.Seats.Where(s => s.ConcertId == c.Id).Max(s => (long?)s.Price) ?? 0,
            db.ConcertQueues.Any(q => q.ConcertId == c.Id && q.Enabled && q.ClosedAt == null)));

    private sealed record CardRow(Concert Concert, int AvailableSeats, long MinPrice, long MaxPrice, bool WaitingRoom)
    {
        public ConcertCard ToCard(DateTimeOffset now) => new(
            Concert.Id, Concert.Name, Concert.Venue, Concert.StartsAt, Concert.BookingOpensAt,
            Concert.TotalSeats, AvailableSeats, Concert.StatusAt(now), MinPrice, MaxPrice, WaitingRoom);
    }
}

public sealed record SeatStates(ConcertStatus Status, int Available, string States);
