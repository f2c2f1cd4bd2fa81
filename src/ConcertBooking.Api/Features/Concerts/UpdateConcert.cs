using ConcertBooking.Api.Features.Reservations;
using ConcertBooking.Domain.Common;
using ConcertBooking.Domain.Concerts;
using ConcertBooking.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Api.Features.Concerts;

/// <summary>Changes a concert's sales rules. A lower ticket limit applies to the next hold: seats fans already
/// hold or own are not taken away.</summary>
public sealed class UpdateConcert(BookingDbContext db, ConcertQueries queries, IOptions<BookingOptions> options)
{
    public async Task<ConcertDto> ExecuteAsync(long concertId, UpdateConcertRequest request, CancellationToken cancellationToken)
    {
        await db.InTransactionAsync(
            async ct =>
            {
                if (!await db.Concerts.AnyAsync(c => c.Id == concertId, ct))
                {
                    throw BookingErrors.NotFound("Concert", concertId);
                }

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

                return await db.SaveChangesAsync(ct);
            },
            cancellationToken);
        return await queries.GetAsync(concertId, cancellationToken);
    }
}
