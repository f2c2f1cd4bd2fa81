using ConcertBooking.Domain.Reservations;
using ConcertBooking.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Api.Features.Reservations;

/// <summary>Releases lapsed holds: reservation EXPIRED, seat AVAILABLE, RESERVATION_EXPIRED in the outbox.</summary>
public sealed class ExpireLapsedHolds(BookingDbContext db, TimeProvider clock, ILogger<ExpireLapsedHolds> logger)
{
    private const int BatchSize = 200;

    /// <summary>Expires up to one batch of lapsed holds; returns how many it expired.</summary>
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var lapsedIds = await db.Reservations.AsNoTracking()
            .Where(r => r.Status == ReservationStatus.Held && r.ExpiresAt <= now)
            .OrderBy(r => r.ExpiresAt)
            .Select(r => r.Id)
            .Take(BatchSize)
            .ToListAsync(cancellationToken);

        var expired = 0;
        foreach (var id in lapsedIds)
        {
            // One transaction per hold: a fan paying or cancelling at the same instant makes only that one fail.
            db.ChangeTracker.Clear();
            try
            {
                expired += await db.InTransactionAsync(
                    async ct =>
                    {
                        var reservation = await db.Reservations.FirstAsync(r => r.Id == id, ct);
                        if (!reservation.HasLapsed(now))
                        {
                            return 0;
                        }

                        var seat = await db.Seats.FirstAsync(s => s.Id == reservation.SeatId, ct);
                        reservation.Expire(seat, now);
                        await db.SaveChangesAsync(ct);
                        await db.ReturnAsync(reservation.UserId, reservation.ConcertId, ct);
                        return 1;
                    },
                    cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                logger.LogDebug("Reservation {ReservationId} changed while expiring; skipped", id);
            }
        }

        return expired;
    }
}

public sealed class HoldSweeper(
    IServiceScopeFactory scopes,
    DatabaseReadiness database,
    TimeProvider clock,
    IOptions<BookingOptions> options,
    ILogger<HoldSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await database.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var expire = scope.ServiceProvider.GetRequiredService<ExpireLapsedHolds>();
                int expired;
                while ((expired = await expire.ExecuteAsync(stoppingToken)) > 0)
                {
                    logger.LogInformation("Released {Count} lapsed holds", expired);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Sweeping lapsed holds failed; retrying at the next tick");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
