using System.Diagnostics;
using System.Net.Http.Json;
using ConcertBooking.Api.Tests.Support;
using ConcertBooking.Infrastructure;
using ConcertBooking.Infrastructure.Persistence;
using ConcertBooking.Messaging.Consumers;
using ConcertBooking.DataPlatform;
using ConcertBooking.Notifications.Persistence;
using ConcertBooking.Rankings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ConcertBooking.Api.Tests;

/// <summary>
/// The three consumer groups write their read models with their own SQL (bulk inserts, upserts): a hold and a
/// payment must reach notifications, rankings and analytics on each database provider, not only on SQLite.
/// </summary>
public abstract class DownstreamServicesTests(DatabaseProvider provider) : ProviderTests(provider)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [ProviderFact]
    public async Task A_paid_hold_reaches_every_consumer_group()
    {
        var concert = await Api.CreateConcertAsync(seats: 2, price: 70_000);
        var seat = (await Api.SeatsAsync(concert.Id))[0];
        var fan = await Api.SignInAsync();
        await fan.ChargedAsync(100_000);
        var held = await fan.HeldAsync(concert.Id, seat.Id);
        await fan.PaidAsync(held.Id);

        var notifications = await WaitForAsync(
            () => fan.Http.GetFromJsonAsync<List<NotificationBody>>("/api/me/notifications"),
            n => n!.Count == 2);
        Assert.Equal(["PAYMENT_RECEIPT", "RESERVATION_CONFIRMATION"], notifications!.Select(n => n.Type).Order());

        var ranking = await WaitForAsync(
            () => fan.Http.GetFromJsonAsync<List<BookingRankBody>>("/api/rankings/bookings?limit=10"),
            r => r!.Any(c => c.ConcertId == concert.Id && c.Confirmed == 1));
        Assert.Equal(new BookingRankBody(concert.Id, concert.Name, 1, 1), ranking!.Single(c => c.ConcertId == concert.Id));

        // 404 until the data platform has seen the concert's first event.
        var analytics = await WaitForAsync(
            async () =>
            {
                using var response = await fan.Http.GetAsync($"/api/analytics/concerts/{concert.Id}");
                return response.StatusCode == System.Net.HttpStatusCode.NotFound ? null : await response.ReadAsync<ConcertAnalyticsBody>();
            },
            a => a is { Confirmed: 1 });
        Assert.Equal((1L, 0L, 1L, 70_000L), (analytics!.Reservations, analytics.Holds, analytics.Confirmed, analytics.Revenue));
        await AssertProcessedRecordsWhereTheyBelongAsync();

        // Past the retention, sent events and every group's records of them are pruned by age.
        Api.Clock.Advance(TimeSpan.FromDays(8));
        var left = await WaitForAsync(
            async () =>
            {
                using var scope = Api.Services.CreateScope();
                return (await scope.ServiceProvider.GetRequiredService<BookingDbContext>().OutboxMessages.CountAsync(),
                    await scope.ServiceProvider.GetRequiredService<NotificationsDbContext>().Set<ProcessedEvent>().CountAsync());
            },
            counts => counts == (0, 0));
        Assert.Equal((0, 0), left);
    }

    /// <summary>Each group records what it processed in its service's database: on a shared database every group's
    /// records are visible through any service's context, on separate ones only the service's own.</summary>
    private async Task AssertProcessedRecordsWhereTheyBelongAsync()
    {
        using var scope = Api.Services.CreateScope();
        var byContext = new (DbContext Db, string Group)[]
        {
            (scope.ServiceProvider.GetRequiredService<NotificationsDbContext>(), DownstreamServices.NotificationGroup),
            (scope.ServiceProvider.GetRequiredService<RankingDbContext>(), DownstreamServices.RankingGroup),
            (scope.ServiceProvider.GetRequiredService<DataPlatformDbContext>(), DownstreamServices.DataPlatformGroup),
        };
        foreach (var (db, group) in byContext)
        {
            var groups = await db.Set<ProcessedEvent>().Select(p => p.GroupId).Distinct().ToListAsync();
            Assert.Equal(SeparateServiceDatabases ? [group] : byContext.Select(c => c.Group).Order(), groups.Order());
        }
    }

    /// <summary>Polls until the read model shows the condition: the groups apply events asynchronously.</summary>
    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (waited.Elapsed > Timeout)
            {
                Assert.Fail($"Timed out waiting for the consumer groups; last read: {(value is System.Runtime.CompilerServices.ITuple ? value.ToString() : System.Text.Json.JsonSerializer.Serialize(value))}");
            }

            await Task.Delay(50);
        }
    }

    private sealed record NotificationBody(long Id, string Type, Guid EventId, string Subject);

    private sealed record BookingRankBody(long ConcertId, string ConcertName, long Reservations, long Confirmed);

    private sealed record ConcertAnalyticsBody(long ConcertId, long Reservations, long Holds, long Confirmed, long Revenue);
}

public sealed class SqliteDownstreamServicesTests() : DownstreamServicesTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class PostgresDownstreamServicesTests() : DownstreamServicesTests(DatabaseProvider.Postgres);

/// <summary>Each service on a SQLite file of its own in the data directory.</summary>
public sealed class SqliteSeparateDatabasesDownstreamServicesTests() : DownstreamServicesTests(DatabaseProvider.Sqlite)
{
    protected override bool SeparateServiceDatabases => true;
}

/// <summary>Each service on a PostgreSQL database of its own.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSeparateDatabasesDownstreamServicesTests() : DownstreamServicesTests(DatabaseProvider.Postgres)
{
    protected override bool SeparateServiceDatabases => true;
}
