using System.Net;
using System.Net.Http.Json;
using ConcertBooking.Api.Tests.Support;
using ConcertBooking.Domain.Reservations;
using ConcertBooking.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Api.Tests;

/// <summary>At most <c>maxTicketsPerFan</c> seats per fan and concert, held or confirmed, however the fan races.</summary>
public abstract class TicketLimitTests(DatabaseProvider provider) : ProviderTests(provider)
{
    [ProviderFact]
    public async Task A_fan_racing_ten_holds_gets_at_most_four()
    {
        var concert = await Api.CreateConcertAsync(seats: 20);
        Assert.Equal(4, concert.MaxTicketsPerFan);
        var seats = await Api.SeatsAsync(concert.Id);
        var fan = await Api.SignInAsync();

        var responses = await Task.WhenAll(seats.Take(10).Select(s => fan.HoldAsync(concert.Id, s.Id)));

        Assert.Equal(4, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await refused.AssertProblemAsync(HttpStatusCode.Conflict, "ticket-limit-reached");
        }

        Assert.Equal(4, await Api.QueryAsync(db => db.Reservations.CountAsync(r => r.UserId == fan.UserId && r.Status == ReservationStatus.Held)));
        Assert.Equal(16, (await Api.SeatsAsync(concert.Id, "AVAILABLE")).Count);
        Assert.Equal(4, await Api.QueryAsync(db => db.FanTicketCounts.Where(c => c.UserId == fan.UserId).Select(c => c.Active).SingleAsync()));

        // Another fan is not affected.
        var other = await Api.SignInAsync();
        await other.HeldAsync(concert.Id, seats[10].Id);
    }

    [ProviderFact]
    public async Task Paid_seats_count_cancelled_and_lapsed_ones_do_not()
    {
        var concert = await Api.CreateConcertAsync(seats: 10, price: 1_000, maxTicketsPerFan: 2);
        Assert.Equal(2, concert.MaxTicketsPerFan);
        var seats = await Api.SeatsAsync(concert.Id);
        var fan = await Api.SignInAsync();
        await fan.ChargedAsync(10_000);

        var paid = await fan.HeldAsync(concert.Id, seats[0].Id);
        await fan.PaidAsync(paid.Id);
        var held = await fan.HeldAsync(concert.Id, seats[1].Id);
        await (await fan.HoldAsync(concert.Id, seats[2].Id)).AssertProblemAsync(HttpStatusCode.Conflict, "ticket-limit-reached");

        await (await fan.CancelAsync(held.Id)).AssertStatusAsync(HttpStatusCode.NoContent);
        var again = await fan.HeldAsync(concert.Id, seats[2].Id);
        await (await fan.HoldAsync(concert.Id, seats[3].Id)).AssertProblemAsync(HttpStatusCode.Conflict, "ticket-limit-reached");

        // A hold that has lapsed stops counting at once, before any sweep.
        Api.Clock.Advance(TimeSpan.FromMinutes(6));
        await fan.HeldAsync(concert.Id, seats[3].Id);
        Assert.Equal(ReservationStatus.Expired, await Api.QueryAsync(db => db.Reservations.Where(r => r.Id == again.Id).Select(r => r.Status).SingleAsync()));
        Assert.Equal(0, await Api.SweepAsync());
        Assert.Equal(2, await Api.QueryAsync(db => db.FanTicketCounts.Where(c => c.UserId == fan.UserId).Select(c => c.Active).SingleAsync()));
    }

    [ProviderFact]
    public async Task The_sweeper_gives_back_what_expired_holds_took()
    {
        var concert = await Api.CreateConcertAsync(seats: 5, maxTicketsPerFan: 1);
        var seats = await Api.SeatsAsync(concert.Id);
        var fan = await Api.SignInAsync();
        await fan.HeldAsync(concert.Id, seats[0].Id);

        Api.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(1, await Api.SweepAsync());

        Assert.Equal(0, await Api.QueryAsync(db => db.FanTicketCounts.Where(c => c.UserId == fan.UserId).Select(c => c.Active).SingleAsync()));
        await fan.HeldAsync(concert.Id, seats[1].Id);
    }

    [ProviderFact]
    public async Task The_box_office_changes_the_limit_of_a_concert()
    {
        var concert = await Api.CreateConcertAsync(seats: 10);
        var seats = await Api.SeatsAsync(concert.Id);
        var admin = await Api.AdminAsync();

        var response = await admin.Http.PatchAsJsonAsync($"/api/admin/concerts/{concert.Id}", new { maxTicketsPerFan = 1 });
        Assert.Equal(1, (await response.ReadAsync<ConcertBody>()).MaxTicketsPerFan);
        Assert.Equal(1, (await Api.ConcertAsync(concert.Id)).MaxTicketsPerFan);

        var fan = await Api.SignInAsync();
        await fan.HeldAsync(concert.Id, seats[0].Id);
        await (await fan.HoldAsync(concert.Id, seats[1].Id)).AssertProblemAsync(HttpStatusCode.Conflict, "ticket-limit-reached");

        await (await admin.Http.PatchAsJsonAsync($"/api/admin/concerts/{concert.Id}", new { maxTicketsPerFan = 0 }))
            .AssertValidationProblemAsync("maxTicketsPerFan");
        await (await admin.Http.PatchAsJsonAsync("/api/admin/concerts/999999", new { maxTicketsPerFan = 2 }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await fan.Http.PatchAsJsonAsync($"/api/admin/concerts/{concert.Id}", new { maxTicketsPerFan = 9 }))
            .AssertStatusAsync(HttpStatusCode.Forbidden);
    }
}

public sealed class SqliteTicketLimitTests() : TicketLimitTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class PostgresTicketLimitTests() : TicketLimitTests(DatabaseProvider.Postgres);
