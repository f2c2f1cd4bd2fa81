using ConcertBooking.Api.Features.Reservations;
using ConcertBooking.Domain.Common;
using ConcertBooking.Domain.Concerts;
using ConcertBooking.Domain.Queues;
using ConcertBooking.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Api.Features.Concerts;

/// <summary>Changes a concert's sales rules: its ticket limit and its waiting room. A lower ticket limit applies to
/// the next hold (seats fans already hold or own are not taken away); turning the waiting room off lets every fan
/// hold directly, and turning it on again keeps everyone's place.</summary>
public sealed class UpdateConcert(BookingDbContext db, ConcertQueries queries, IOptions<BookingOptions> options)
{
    public async Task<ConcertDto> ExecuteAsync(long concertId, UpdateConcertRequest request, CancellationToken cancellationToken)
    {
        await db.InTransactionAsync(
            async ct =>
            {
                var bookingOpensAt = await db.Concerts.Where(c => c.Id == concertId).Select(c => (DateTimeOffset?)c.BookingOpensAt).FirstOrDefaultAsync(ct)
                    ?? throw BookingErrors.NotFound("Concert", concertId);

                var policy = await db.ConcertSalesPolicies.FirstOrDefaultAsync(p => p.ConcertId == concertId, ct);
                if (policy is null)
                {
                    policy = ConcertSalesPolicy.For(concertId, options.Value.MaxTicketsPerFan);
                    db.ConcertSalesPolicies.Add(policy);
                }

                if (request.MaxTicketsPerFan is { } limit)
                {
                    policy.SetMaxTicketsPerFan(limit);
                }

                if (request.Queue is { } settings)
                {
                    var queue = await db.ConcertQueues.FirstOrDefaultAsync(q => q.ConcertId == concertId, ct);
                    if (queue is null)
                    {
                        queue = ConcertQueue.For(concertId, bookingOpensAt);
                        db.ConcertQueues.Add(queue);
                    }

                    queue.Configure(settings.Enabled, settings.OpensAt?.ToUniversalTime(), settings.AdmissionWindow, settings.MaxActiveShoppers, bookingOpensAt);
                }

                return await db.SaveChangesAsync(ct);
            },
            cancellationToken);
        return await queries.GetAsync(concertId, cancellationToken);
    }
}
