using ConcertBooking.Domain.Concerts;
using ConcertBooking.Api.Features.Queue;
using ConcertBooking.Api.Features.Reservations;
using ConcertBooking.Domain.Queues;
using ConcertBooking.Infrastructure.Persistence;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Api.Features.Concerts;

/// <summary>Creates a concert and all its seats in one transaction.</summary>
public sealed class CreateConcert(BookingDbContext db, TimeProvider clock, IOptions<BookingOptions> options, ILogger<CreateConcert> logger)
{
    public async Task<ConcertDto> ExecuteAsync(
        string name,
        string venue,
        DateTimeOffset startsAt,
        DateTimeOffset bookingOpensAt,
        IReadOnlyList<SectionSpec> sections,
        int? maxTicketsPerFan,
        QueueSettingsRequest? queueSettings,
        CancellationToken cancellationToken)
    {
        var ticketLimit = maxTicketsPerFan ?? options.Value.MaxTicketsPerFan;
        ConcertQueue? queue = null;
        var now = clock.GetUtcNow();
        var (concert, seats) = Concert.Create(name, venue, startsAt.ToUniversalTime(), bookingOpensAt.ToUniversalTime(), sections, now);

        // Tens of thousands of seats: skip per-entity change detection, which dominates the cost of such an insert.
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            await db.InTransactionAsync(
                async ct =>
                {
                    db.Concerts.Add(concert);
                    db.Seats.AddRange(seats);
                    await db.SaveChangesAsync(ct);
                    db.ConcertSalesPolicies.Add(ConcertSalesPolicy.For(concert.Id, ticketLimit));
                    if (queueSettings is not null)
                    {
                        queue = ConcertQueue.For(concert.Id, concert.BookingOpensAt);
                        queue.Configure(queueSettings.Enabled ?? true, queueSettings.OpensAt?.ToUniversalTime(),
                            queueSettings.AdmissionWindow, queueSettings.MaxActiveShoppers, concert.BookingOpensAt);
                        db.ConcertQueues.Add(queue);
                    }

                    return await db.SaveChangesAsync(ct);
                },
                cancellationToken);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = true;
        }

        logger.LogInformation("Created concert {ConcertId} {ConcertName} with {SeatCount} seats", concert.Id, concert.Name, seats.Count);
        return new ConcertDto(
            concert.Id, concert.Name, concert.Venue, concert.StartsAt, concert.BookingOpensAt,
            concert.TotalSeats, seats.Count, concert.StatusAt(now), concert.SoldOutAt, ticketLimit, QueueSettingsDto.From(queue));
    }
}
