using ConcertBooking.Domain.Common;
using ConcertBooking.Domain.Concerts;
using ConcertBooking.Infrastructure.Persistence;
using ConcertBooking.Api.Features.Queue;
using ConcertBooking.Api.Features.Reservations;
using ConcertBooking.Domain.Queues;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Api.Features.Concerts;

public sealed class ConcertQueries(BookingDbContext db, TimeProvider clock, IOptions<BookingOptions> options)
{
    public async Task<List<ConcertDto>> ListAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var rows = await Project(db.Concerts.AsNoTracking().OrderBy(c => c.StartsAt).ThenBy(c => c.Id), now)
            .ToListAsync(cancellationToken);
        return rows.Select(r => r.ToDto(now, options.Value.MaxTicketsPerFan)).ToList();
    }

    public async Task<ConcertDto> GetAsync(long id, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var row = await Project(db.Concerts.AsNoTracking().Where(c => c.Id == id), now).FirstOrDefaultAsync(cancellationToken)
            ?? throw BookingErrors.NotFound("Concert", id);
        return row.ToDto(now, options.Value.MaxTicketsPerFan);
    }

    public async Task<List<SeatDto>> SeatsAsync(long concertId, SeatStatus? status, CancellationToken cancellationToken)
    {
        if (!await db.Concerts.AnyAsync(c => c.Id == concertId, cancellationToken))
        {
            throw BookingErrors.NotFound("Concert", concertId);
        }

        var now = clock.GetUtcNow();
        var seats = db.Seats.AsNoTracking().Where(s => s.ConcertId == concertId);

        // A lapsed hold is available even before the sweeper releases it, so filters use the effective status.
        seats = status switch
        {
            SeatStatus.Available => seats.Where(s => s.Status == SeatStatus.Available || (s.Status == SeatStatus.Held && s.HeldUntil <= now)),
            SeatStatus.Held => seats.Where(s => s.Status == SeatStatus.Held && s.HeldUntil > now),
            SeatStatus.Sold => seats.Where(s => s.Status == SeatStatus.Sold),
            _ => seats,
        };

        var rows = await seats.OrderBy(s => s.Id).ToListAsync(cancellationToken);
        return rows.Select(s => new SeatDto(s.Id, s.Label, s.Section, s.Price, s.StatusAt(now))).ToList();
    }

    private IQueryable<ConcertRow> Project(IQueryable<Concert> concerts, DateTimeOffset now) =>
        concerts.Select(c => new ConcertRow(
            c,
            db.Seats.Count(s => s.ConcertId == c.Id
                && (s.Status == SeatStatus.Available || (s.Status == SeatStatus.Held && s.HeldUntil <= now))),
            db.ConcertSalesPolicies.Where(p => p.ConcertId == c.Id).Select(p => (int?)p.MaxTicketsPerFan).FirstOrDefault(),
            db.ConcertQueues.FirstOrDefault(q => q.ConcertId == c.Id)));

    private sealed record ConcertRow(Concert Concert, int AvailableSeats, int? MaxTicketsPerFan, ConcertQueue? Queue)
    {
        public ConcertDto ToDto(DateTimeOffset now, int defaultMaxTicketsPerFan) => new(
            Concert.Id,
            Concert.Name,
            Concert.Venue,
            Concert.StartsAt,
            Concert.BookingOpensAt,
            Concert.TotalSeats,
            AvailableSeats,
            Concert.StatusAt(now),
            Concert.SoldOutAt,
            MaxTicketsPerFan ?? defaultMaxTicketsPerFan,
            QueueSettingsDto.From(Queue));
    }
}
