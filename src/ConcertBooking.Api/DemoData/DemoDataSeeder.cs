using ConcertBooking.Api.Features.Concerts;
using ConcertBooking.Api.Features.Reservations;
using ConcertBooking.Domain.Concerts;
using ConcertBooking.Domain.Users;
using ConcertBooking.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Api.DemoData;

/// <summary>
/// On a database with no concerts, creates a few to play with: one on sale with 100 seats, one with 4 seats to sell
/// out by hand, one that opens for booking in a week; and demo fans with points.
/// </summary>
internal sealed class DemoDataSeeder(
    IServiceScopeFactory scopes,
    IOptions<BookingOptions> options,
    TimeProvider clock,
    ILogger<DemoDataSeeder> logger) : IHostedService
{
    public static readonly (string Email, string Name, long Points)[] Fans =
    [
        ("fan1@example.com", "Minji Kim", 1_000_000),
        ("fan2@example.com", "Jisoo Park", 1_000_000),
        ("fan3@example.com", "Hyun Lee", 200_000),
        ("admin@example.com", "Box Office", 0),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.DemoData)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        if (await db.Concerts.AnyAsync(cancellationToken))
        {
            return;
        }

        var create = scope.ServiceProvider.GetRequiredService<CreateConcert>();
        var now = clock.GetUtcNow();
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        await create.ExecuteAsync(
            "IU: The Golden Hour", "Olympic Gymnastics Arena, Seoul", today.AddDays(30).AddHours(10), now,
            [new("VIP", 2, 10, 165_000), new("R", 4, 10, 132_000), new("S", 4, 10, 99_000)],
            maxTicketsPerFan: null,
            queueSettings: null,
            cancellationToken);
        await create.ExecuteAsync(
            "Jazz Night at Club Evans", "Club Evans, Hongdae", today.AddDays(7).AddHours(11), now,
            [new("Floor", 1, 4, 45_000)],
            maxTicketsPerFan: null,
            queueSettings: null,
            cancellationToken);
        await create.ExecuteAsync(
            "BTS: Yet To Come", "Busan Asiad Main Stadium", today.AddDays(90).AddHours(9), today.AddDays(7).AddHours(11),
            [new("VIP", 5, 20, 220_000), new("R", 10, 20, 154_000)],
            maxTicketsPerFan: null,
            queueSettings: null,
            cancellationToken);

        foreach (var (email, name, points) in Fans)
        {
            var user = await db.Users.FirstOrDefaultAsync(u => u.Email == email, cancellationToken);
            if (user is null)
            {
                user = new User(email, name, now);
                db.Users.Add(user);
                await db.SaveChangesAsync(cancellationToken);
            }

            if (points > 0)
            {
                await db.Users.Where(u => u.Id == user.Id)
                    .ExecuteUpdateAsync(u => u.SetProperty(x => x.Balance, x => x.Balance + points), cancellationToken);
            }
        }

        logger.LogInformation("Seeded demo data: 3 concerts and {FanCount} fans", Fans.Length);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
