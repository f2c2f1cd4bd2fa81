using System.Net;
using ConcertBooking.Api.Tests.Support;
using ConcertBooking.Contracts;
using ConcertBooking.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Api.Tests;

/// <summary>A retry with the same Idempotency-Key gets the original answer and causes no second effect.</summary>
public abstract class IdempotencyTests(DatabaseProvider provider) : ProviderTests(provider)
{
    private const int Twins = 10;

    [ProviderFact]
    public async Task Holding_twice_with_one_key_holds_once_and_answers_the_same()
    {
        var concert = await Api.CreateConcertAsync(seats: 2);
        var seat = (await Api.SeatsAsync(concert.Id))[0];
        var fan = await Api.SignInAsync();

        var first = await fan.HoldAsync(concert.Id, seat.Id, "hold-1");
        var retry = await fan.HoldAsync(concert.Id, seat.Id, "hold-1");

        await first.AssertStatusAsync(HttpStatusCode.Created);
        await retry.AssertStatusAsync(HttpStatusCode.Created);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(["true"], retry.Headers.GetValues("Idempotent-Replayed"));
        Assert.NotNull(first.Headers.Location);
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal(1, await Api.QueryAsync(db => db.Reservations.CountAsync()));
        Assert.Equal(1, await CountOutboxAsync(EventTypes.ReservationCreated));
    }

    [ProviderFact]
    public async Task Charging_twice_with_one_key_charges_once()
    {
        var fan = await Api.SignInAsync();

        var first = await fan.ChargeAsync(5_000, "charge-1");
        var retry = await fan.ChargeAsync(5_000, "charge-1");

        Assert.Equal(new BalanceBody(fan.UserId, 5_000), await first.ReadAsync<BalanceBody>());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal(["true"], retry.Headers.GetValues("Idempotent-Replayed"));
        Assert.Equal(5_000, await fan.BalanceAsync());

        await (await fan.ChargeAsync(5_000, "charge-2")).AssertStatusAsync(HttpStatusCode.OK);
        await (await fan.ChargeAsync(5_000)).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(15_000, await fan.BalanceAsync());
    }

    [ProviderFact]
    public async Task Paying_twice_with_one_key_pays_once()
    {
        var concert = await Api.CreateConcertAsync(seats: 1, price: 30_000);
        var fan = await Api.SignInAsync();
        await fan.ChargedAsync(100_000);
        var held = await fan.HeldAsync(concert.Id, (await Api.SeatsAsync(concert.Id))[0].Id);

        var first = await fan.PayAsync(held.Id, "pay-1");
        var retry = await fan.PayAsync(held.Id, "pay-1");

        var payment = await first.ReadAsync<PaymentBody>();
        Assert.Equal(payment, await retry.ReadAsync<PaymentBody>());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal(70_000, await fan.BalanceAsync());
        Assert.Equal(1, await Api.QueryAsync(db => db.Payments.CountAsync()));
        Assert.Equal(1, await CountOutboxAsync(EventTypes.PaymentCompleted));

        // Without the key a second payment is a new request, and the reservation is no longer held.
        await (await fan.PayAsync(held.Id)).AssertProblemAsync(HttpStatusCode.Conflict, "reservation-not-held");
    }

    [ProviderFact]
    public async Task A_key_reused_for_a_different_request_is_409_and_has_no_effect()
    {
        var concert = await Api.CreateConcertAsync(seats: 2);
        var seats = await Api.SeatsAsync(concert.Id);
        var fan = await Api.SignInAsync();
        await (await fan.HoldAsync(concert.Id, seats[0].Id, "key-1")).AssertStatusAsync(HttpStatusCode.Created);
        await (await fan.ChargeAsync(100, "key-2")).AssertStatusAsync(HttpStatusCode.OK);

        await (await fan.HoldAsync(concert.Id, seats[1].Id, "key-1")).AssertProblemAsync(HttpStatusCode.Conflict, "idempotency-key-reused");
        await (await fan.ChargeAsync(100, "key-1")).AssertProblemAsync(HttpStatusCode.Conflict, "idempotency-key-reused");
        await (await fan.ChargeAsync(200, "key-2")).AssertProblemAsync(HttpStatusCode.Conflict, "idempotency-key-reused");

        Assert.Equal("AVAILABLE", (await Api.SeatsAsync(concert.Id))[1].Status);
        Assert.Equal(1, await Api.QueryAsync(db => db.Reservations.CountAsync()));
        Assert.Equal(100, await fan.BalanceAsync());
    }

    [ProviderFact]
    public async Task Keys_belong_to_the_fan_who_sent_them()
    {
        var first = await Api.SignInAsync();
        var second = await Api.SignInAsync();

        await (await first.ChargeAsync(100, "shared-key")).AssertStatusAsync(HttpStatusCode.OK);
        var secondCharge = await second.ChargeAsync(100, "shared-key");

        Assert.Equal(new BalanceBody(second.UserId, 100), await secondCharge.ReadAsync<BalanceBody>());
        Assert.False(secondCharge.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(100, await first.BalanceAsync());
    }

    [ProviderFact]
    public async Task A_failed_request_is_not_remembered_so_its_key_can_be_retried()
    {
        var concert = await Api.CreateConcertAsync(seats: 1, price: 10_000);
        var seat = (await Api.SeatsAsync(concert.Id))[0];
        var fan = await Api.SignInAsync();
        var held = await fan.HeldAsync(concert.Id, seat.Id);

        await (await fan.PayAsync(held.Id, "pay-once")).AssertProblemAsync(HttpStatusCode.Conflict, "insufficient-balance");
        await fan.ChargedAsync(10_000);
        var paid = await (await fan.PayAsync(held.Id, "pay-once")).ReadAsync<PaymentBody>();

        Assert.Equal("COMPLETED", paid.Status);
        Assert.Equal(0, await fan.BalanceAsync());
    }

    [ProviderFact]
    public async Task Concurrent_holds_with_one_key_hold_once_and_all_get_the_first_answer()
    {
        var concert = await Api.CreateConcertAsync(seats: 1);
        var seat = (await Api.SeatsAsync(concert.Id))[0];
        var fan = await Api.SignInAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, Twins).Select(_ => fan.HoldAsync(concert.Id, seat.Id, "tap-tap-tap")));

        var bodies = await AllSucceededWithAsync(responses, HttpStatusCode.Created);
        Assert.Single(bodies.Distinct());
        var reservation = Assert.Single(await Api.QueryAsync(db => db.Reservations.AsNoTracking().ToListAsync()));
        Assert.Contains($"\"id\":{reservation.Id},", bodies[0], StringComparison.Ordinal);
        Assert.All(responses, r => Assert.Equal($"/api/reservations/{reservation.Id}", r.Headers.Location?.OriginalString));
        Assert.Equal(1, await CountOutboxAsync(EventTypes.ReservationCreated));
    }

    [ProviderFact]
    public async Task Concurrent_charges_with_one_key_charge_once()
    {
        var fan = await Api.SignInAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, Twins).Select(_ => fan.ChargeAsync(7_000, "top-up")));

        var bodies = await AllSucceededWithAsync(responses, HttpStatusCode.OK);
        Assert.Single(bodies.Distinct());
        Assert.Equal(7_000, await fan.BalanceAsync());
    }

    [ProviderFact]
    public async Task Concurrent_payments_with_one_key_pay_once()
    {
        var concert = await Api.CreateConcertAsync(seats: 1, price: 30_000);
        var fan = await Api.SignInAsync();

        // Enough for two payments, so only the reservation's state, not the balance, can stop a second one.
        await fan.ChargedAsync(60_000);
        var held = await fan.HeldAsync(concert.Id, (await Api.SeatsAsync(concert.Id))[0].Id);

        var responses = await Task.WhenAll(Enumerable.Range(0, Twins).Select(_ => fan.PayAsync(held.Id, "pay-now")));

        var bodies = await AllSucceededWithAsync(responses, HttpStatusCode.OK);
        Assert.Single(bodies.Distinct());
        Assert.Equal(30_000, await fan.BalanceAsync());
        Assert.Equal(1, await Api.QueryAsync(db => db.Payments.CountAsync()));
        Assert.Equal(1, await CountOutboxAsync(EventTypes.PaymentCompleted));
    }

    private static async Task<string[]> AllSucceededWithAsync(HttpResponseMessage[] responses, HttpStatusCode status)
    {
        foreach (var response in responses)
        {
            await response.AssertStatusAsync(status);
        }

        return await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
    }

    private Task<int> CountOutboxAsync(string eventType) => Api.QueryAsync(db => db.OutboxMessages.CountAsync(m => m.EventType == eventType));
}

public sealed class SqliteIdempotencyTests() : IdempotencyTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class PostgresIdempotencyTests() : IdempotencyTests(DatabaseProvider.Postgres);
