using System.Net;
using ConcertBooking.Api.Tests.Support;
using ConcertBooking.Contracts;
using ConcertBooking.Domain.Queues;
using ConcertBooking.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Api.Tests;

/// <summary>The waiting room: a drawn pre-queue, first come first served after, at most maxActiveShoppers shopping.</summary>
public abstract class WaitingRoomTests(DatabaseProvider provider) : ProviderTests(provider)
{
    private static readonly TimeSpan OpensIn = TimeSpan.FromHours(1);

    [ProviderFact]
    public async Task The_pre_queue_is_drawn_at_the_opening_second_and_later_fans_queue_in_arrival_order()
    {
        var concert = await QueuedConcertAsync(seats: 100, maxActiveShoppers: 5);
        var early = new List<Fan>();
        for (var i = 0; i < 30; i++)
        {
            var fan = await Api.SignInAsync();
            var ticket = await fan.JoinQueueAsync(concert.Id);
            Assert.Equal("WAITING", ticket.Status);
            Assert.Null(ticket.Position);
            Assert.Equal(ticket, await fan.JoinQueueAsync(concert.Id));
            early.Add(fan);
            Api.Clock.Advance(TimeSpan.FromSeconds(10));
        }

        Api.Clock.SetUtcNow(concert.BookingOpensAt);
        var late = new List<Fan>();
        for (var i = 0; i < 10; i++)
        {
            var fan = await Api.SignInAsync();
            await fan.JoinQueueAsync(concert.Id);
            late.Add(fan);
            Api.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        var earlyPositions = await Task.WhenAll(early.Select(async f => (await f.QueueStatusAsync(concert.Id)).Position!.Value));
        Assert.Equal(Enumerable.Range(1, 30).Select(p => (long)p), earlyPositions.Order());
        Assert.InRange(RankCorrelation(earlyPositions), -0.8, 0.8);
        var latePositions = await Task.WhenAll(late.Select(async f => (await f.QueueStatusAsync(concert.Id)).Position!.Value));
        Assert.Equal(Enumerable.Range(31, 10).Select(p => (long)p), latePositions);

        Assert.Equal(5, await Api.AdmitAsync());
        var statuses = await Task.WhenAll(early.Concat(late).Select(f => f.QueueStatusAsync(concert.Id)));
        var admitted = statuses.Where(s => s.Status == "ADMITTED").ToList();
        Assert.Equal(5, admitted.Count);
        Assert.All(admitted, s => Assert.Equal(Api.Clock.GetUtcNow() + TimeSpan.FromMinutes(10), s.AdmittedUntil));
        Assert.Equal(Enumerable.Range(1, 35).Select(p => (long)p), statuses.Where(s => s.Status == "WAITING").Select(s => s.Position!.Value).Order());
        Assert.Equal(5, await Api.QueryAsync(db => db.OutboxMessages.CountAsync(m => m.EventType == EventTypes.FanAdmitted)));
        Assert.Equal(40, await Api.QueryAsync(db => db.OutboxMessages.CountAsync(m => m.EventType == EventTypes.QueueJoined)));
    }

    [ProviderFact]
    public async Task Only_admitted_fans_hold_and_finishing_or_lapsing_lets_the_next_in_without_passing_the_maximum()
    {
        var concert = await QueuedConcertAsync(seats: 20, maxActiveShoppers: 2);
        var seats = await Api.SeatsAsync(concert.Id);
        var fans = new List<Fan>();
        for (var i = 0; i < 6; i++)
        {
            fans.Add(await Api.SignInAsync());
        }

        Api.Clock.SetUtcNow(concert.BookingOpensAt);
        foreach (var fan in fans)
        {
            await fan.JoinQueueAsync(concert.Id);
        }

        var stranger = await Api.SignInAsync();
        var notJoined = await (await stranger.HoldAsync(concert.Id, seats[0].Id)).AssertProblemAsync(HttpStatusCode.Forbidden, "queue-admission-required");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, notJoined.GetProperty("position").ValueKind);

        Assert.Equal(2, await Api.AdmitAsync());
        var waiting = await (await fans[2].HoldAsync(concert.Id, seats[0].Id)).AssertProblemAsync(HttpStatusCode.Forbidden, "queue-admission-required");
        Assert.Equal(1, waiting.GetProperty("position").GetInt64());
        Assert.Equal(0, await Api.AdmitAsync());

        // Fan 0 pays: the turn passes to fan 2.
        await fans[0].ChargedAsync(1_000_000);
        var held = await fans[0].HeldAsync(concert.Id, seats[0].Id);
        await fans[0].PaidAsync(held.Id);
        Assert.Equal("EXPIRED", (await fans[0].QueueStatusAsync(concert.Id)).Status);
        Assert.Equal(1, await Api.AdmitAsync());
        Assert.Equal("ADMITTED", (await fans[2].QueueStatusAsync(concert.Id)).Status);

        // Fan 1 cancels: the turn passes to fan 3.
        var cancelled = await fans[1].HeldAsync(concert.Id, seats[1].Id);
        await (await fans[1].CancelAsync(cancelled.Id)).AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.Equal(1, await Api.AdmitAsync());
        Assert.Equal("ADMITTED", (await fans[3].QueueStatusAsync(concert.Id)).Status);

        // The window ends for fans 2 and 3: fans 4 and 5 come in; a lapsed fan can no longer hold.
        Api.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal("EXPIRED", (await fans[2].QueueStatusAsync(concert.Id)).Status);
        await (await fans[2].HoldAsync(concert.Id, seats[2].Id)).AssertProblemAsync(HttpStatusCode.Forbidden, "queue-admission-required");
        Assert.Equal(2, await Api.AdmitAsync());
        await fans[5].HeldAsync(concert.Id, seats[2].Id);
        Assert.Equal(2, await AdmittedNowAsync(concert.Id));
    }

    [ProviderFact]
    public async Task A_fan_who_leaves_gives_the_turn_to_the_next()
    {
        var concert = await QueuedConcertAsync(seats: 10, maxActiveShoppers: 1);
        Api.Clock.SetUtcNow(concert.BookingOpensAt);
        var first = await Api.SignInAsync();
        var second = await Api.SignInAsync();
        await first.JoinQueueAsync(concert.Id);
        await second.JoinQueueAsync(concert.Id);
        Assert.Equal(1, await Api.AdmitAsync());

        await (await first.Http.DeleteAsync($"/api/concerts/{concert.Id}/queue/me")).AssertStatusAsync(HttpStatusCode.NoContent);

        Assert.Equal("EXPIRED", (await first.QueueStatusAsync(concert.Id)).Status);
        Assert.Equal(1, await Api.AdmitAsync());
        Assert.Equal("ADMITTED", (await second.QueueStatusAsync(concert.Id)).Status);
        await (await first.Http.DeleteAsync($"/api/concerts/{concert.Id}/queue/me")).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [ProviderFact]
    public async Task A_sell_out_closes_the_queue_and_names_every_waiting_fan()
    {
        var concert = await QueuedConcertAsync(seats: 2, maxActiveShoppers: 1);
        var seats = await Api.SeatsAsync(concert.Id);
        Api.Clock.SetUtcNow(concert.BookingOpensAt);
        var buyer = await Api.SignInAsync();
        await buyer.JoinQueueAsync(concert.Id);
        var waiting = new[] { await Api.SignInAsync(), await Api.SignInAsync() };
        foreach (var fan in waiting)
        {
            await fan.JoinQueueAsync(concert.Id);
        }

        await Api.AdmitAsync();
        await buyer.ChargedAsync(1_000_000);
        var holds = new[] { await buyer.HeldAsync(concert.Id, seats[0].Id), await buyer.HeldAsync(concert.Id, seats[1].Id) };
        foreach (var hold in holds)
        {
            await buyer.PaidAsync(hold.Id);
        }

        Assert.All(await Task.WhenAll(waiting.Select(f => f.QueueStatusAsync(concert.Id))), s => Assert.Equal("CLOSED", s.Status));
        await (await waiting[0].Http.PostAsync($"/api/concerts/{concert.Id}/queue", null)).AssertProblemAsync(HttpStatusCode.Conflict, "queue-closed");
        var closed = await Api.QueryAsync(db => db.OutboxMessages.Where(m => m.EventType == EventTypes.QueueClosed).Select(m => m.Payload).SingleAsync());
        var @event = Assert.IsType<QueueClosed>(EventSerializer.Deserialize(System.Text.Encoding.UTF8.GetBytes(closed), UpcastDefaults.Standard));
        Assert.Equal(waiting.Select(f => f.UserId).Order(), @event.WaitingUserIds.Order());
        Assert.Equal(0, await Api.AdmitAsync());
    }

    [ProviderFact]
    public async Task Joins_racing_the_opening_drawing_in_two_processes_all_get_one_place()
    {
        var concert = await QueuedConcertAsync(seats: 100, maxActiveShoppers: 5);
        var second = Api.Sibling();
        var apis = new[] { Api, second };
        var fans = new List<Fan>();
        for (var i = 0; i < 40; i++)
        {
            fans.Add(await apis[i % 2].SignInAsync());
        }

        // Twenty pre-queue joins at once (they only share the queue row), then twenty more while the opening
        // second comes and both processes draw: each fan is either drawn or numbered after the drawing, never lost.
        await Task.WhenAll(fans.Take(20).Select(f => f.JoinQueueAsync(concert.Id)));
        var racing = fans.Skip(20).Select(f => f.JoinQueueAsync(concert.Id)).ToList();
        foreach (var api in apis)
        {
            api.Clock.SetUtcNow(concert.BookingOpensAt);
        }

        await Task.WhenAll(apis.Select(a => a.AdmitAsync()));
        await Task.WhenAll(racing);
        await Api.AdmitAsync();

        var numbers = await Api.QueryAsync(db => db.QueueEntries.Where(e => e.ConcertId == concert.Id).Select(e => e.Number).ToListAsync());
        Assert.Equal(Enumerable.Range(1, 40).Select(n => (long?)n), numbers.Order());
        await second.DisposeAsync();
    }

    [ProviderFact]
    public async Task Two_API_processes_share_one_queue_and_a_restart_keeps_every_place()
    {
        var concert = await QueuedConcertAsync(seats: 50, maxActiveShoppers: 3);
        Api.Clock.SetUtcNow(concert.BookingOpensAt);
        var second = Api.Sibling();
        var apis = new[] { Api, second };

        var fans = new List<Fan>();
        for (var i = 0; i < 12; i++)
        {
            fans.Add(await apis[i % 2].SignInAsync());
        }

        var joined = await Task.WhenAll(fans.Select(f => f.JoinQueueAsync(concert.Id)));
        Assert.Equal(Enumerable.Range(1, 12).Select(p => (long)p), joined.Select(t => t.Position!.Value).Order());

        // Admission passes in both processes at once never let in more than the maximum.
        var passes = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => apis[i % 2].AdmitAsync()));
        Assert.Equal(3, passes.Sum());
        Assert.Equal(3, await AdmittedNowAsync(concert.Id));

        var before = await Task.WhenAll(fans.Select(f => f.QueueStatusAsync(concert.Id)));
        await using var restarted = second.Sibling();
        await second.DisposeAsync();
        var after = await Task.WhenAll(fans.Select(f => restarted.CreateClient().WithToken(f).GetAsync($"/api/concerts/{concert.Id}/queue/me")));
        var afterTickets = await Task.WhenAll(after.Select(r => r.ReadAsync<QueueTicketBody>()));
        Assert.Equal(before, afterTickets);
    }

    [ProviderFact]
    public async Task Waiting_fans_are_told_when_to_ask_again()
    {
        var concert = await QueuedConcertAsync(seats: 10, maxActiveShoppers: 1);
        var fan = await Api.SignInAsync();
        await fan.JoinQueueAsync(concert.Id);

        var response = await fan.QueueStatusResponseAsync(concert.Id);
        Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.RetryAfter?.Delta);

        Api.Clock.SetUtcNow(concert.BookingOpensAt);
        response = await fan.QueueStatusResponseAsync(concert.Id);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        var ticket = await response.ReadAsync<QueueTicketBody>();
        Assert.Equal((1L, 0L), (ticket.Position!.Value, ticket.Ahead!.Value));
    }

    private async Task<ConcertBody> QueuedConcertAsync(int seats, int maxActiveShoppers)
    {
        var concert = await Api.CreateConcertAsync(seats, bookingOpensIn: OpensIn, queue: new
        {
            enabled = true,
            opensAt = Api.Clock.GetUtcNow(),
            admissionWindow = "00:10:00",
            maxActiveShoppers,
        });
        Assert.True(concert.Queue!.Enabled);
        return concert;
    }

    private Task<int> AdmittedNowAsync(long concertId) =>
        Api.QueryAsync(db => db.QueueEntries.CountAsync(e => e.ConcertId == concertId && e.Status == QueueEntryStatus.Admitted));

    /// <summary>Spearman's rank correlation between join order (the array's order) and drawn position.</summary>
    private static double RankCorrelation(long[] positions)
    {
        var n = positions.Length;
        var sumSquared = positions.Select((p, i) => Math.Pow(p - (i + 1), 2)).Sum();
        return 1 - (6 * sumSquared / (n * ((double)n * n - 1)));
    }
}

public sealed class SqliteWaitingRoomTests() : WaitingRoomTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class PostgresWaitingRoomTests() : WaitingRoomTests(DatabaseProvider.Postgres);
