using System.Net;
using ConcertBooking.Api.Tests.Support;
using ConcertBooking.Contracts;
using ConcertBooking.Domain.Concerts;
using ConcertBooking.Domain.Reservations;
using ConcertBooking.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Api.Tests;

/// <summary>A ticket drop: many requests at once, and the database, not luck, keeps the books straight.</summary>
public abstract class ConcurrencyTests(DatabaseProvider provider) : ProviderTests(provider)
{
    [ProviderFact]
    public async Task Three_hundred_fans_racing_for_thirty_seats_get_exactly_thirty_holds()
    {
        const int seatCount = 30;
        const int fanCount = 300;
        var concert = await Api.CreateConcertAsync(seats: seatCount);
        var seats = await Api.SeatsAsync(concert.Id);
        var fans = await Task.WhenAll(Enumerable.Range(0, fanCount).Select(_ => Api.SignInAsync()));

        var responses = await Task.WhenAll(fans.Select((fan, i) => fan.HoldAsync(concert.Id, seats[i % seatCount].Id)));

        var held = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.Conflict).ToList();
        Assert.Equal(seatCount, held.Count);
        Assert.Equal(fanCount - seatCount, refused.Count);
        foreach (var response in refused)
        {
            await response.AssertProblemAsync(HttpStatusCode.Conflict, "seat-unavailable");
        }

        var holds = await Task.WhenAll(held.Select(r => r.ReadAsync<ReservationBody>(HttpStatusCode.Created)));
        Assert.Equal(seats.Select(s => s.Id).Order(), holds.Select(h => h.SeatId).Order());

        var reservations = await Api.QueryAsync(db => db.Reservations.AsNoTracking().Where(r => r.ConcertId == concert.Id).ToListAsync());
        Assert.Equal(seatCount, reservations.Count);
        Assert.All(reservations, r => Assert.Equal(ReservationStatus.Held, r.Status));
        Assert.Equal(seatCount, reservations.Select(r => r.SeatId).Distinct().Count());
        Assert.Equal(seatCount, await Api.QueryAsync(db => db.Seats.CountAsync(s => s.ConcertId == concert.Id && s.Status == SeatStatus.Held)));
        Assert.Equal(seatCount, await Api.QueryAsync(db => db.OutboxMessages.CountAsync(m => m.EventType == EventTypes.ReservationCreated)));
        Assert.Equal(0, (await Api.ConcertAsync(concert.Id)).AvailableSeats);
    }

    [ProviderFact]
    public async Task A_hundred_concurrent_payments_never_overdraw_the_balance()
    {
        const int seatCount = 100;
        const int affordable = 37;
        const long price = 10_000;
        var concert = await Api.CreateConcertAsync(seats: seatCount, price: price, maxTicketsPerFan: seatCount);
        var seats = await Api.SeatsAsync(concert.Id);
        var fan = await Api.SignInAsync();
        var holds = await Task.WhenAll(seats.Select(s => fan.HeldAsync(concert.Id, s.Id)));
        const long charged = affordable * price;
        await fan.ChargedAsync(charged);

        var paying = Task.WhenAll(holds.Select(h => fan.PayAsync(h.Id)));
        var observed = new List<long>();
        while (!paying.IsCompleted)
        {
            observed.Add(await fan.BalanceAsync());
        }

        var responses = await paying;

        var paid = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.Conflict).ToList();
        Assert.Equal(affordable, paid.Count);
        Assert.Equal(seatCount - affordable, refused.Count);
        foreach (var response in refused)
        {
            await response.AssertProblemAsync(HttpStatusCode.Conflict, "insufficient-balance");
        }

        var payments = await Task.WhenAll(paid.Select(r => r.ReadAsync<PaymentBody>()));
        var balance = await fan.BalanceAsync();
        Assert.Equal(charged - payments.Sum(p => p.Amount), balance);
        Assert.Equal(0, balance);
        Assert.All(observed, b => Assert.InRange(b, 0, charged));

        Assert.Equal(affordable, await Api.QueryAsync(db => db.Payments.CountAsync(p => p.UserId == fan.UserId)));
        Assert.Equal(affordable * price, await Api.QueryAsync(db => db.Payments.SumAsync(p => p.Amount)));
        Assert.Equal(affordable, await Api.QueryAsync(db => db.Reservations.CountAsync(r => r.Status == ReservationStatus.Confirmed)));
        Assert.Equal(seatCount - affordable, await Api.QueryAsync(db => db.Reservations.CountAsync(r => r.Status == ReservationStatus.Held)));
        Assert.Equal(affordable, await Api.QueryAsync(db => db.Seats.CountAsync(s => s.Status == SeatStatus.Sold)));
        Assert.Equal(affordable, await Api.QueryAsync(db => db.Concerts.Where(c => c.Id == concert.Id).Select(c => c.SoldSeats).SingleAsync()));
        Assert.Equal(affordable, await Api.QueryAsync(db => db.OutboxMessages.CountAsync(m => m.EventType == EventTypes.PaymentCompleted)));
    }
}

public sealed class SqliteConcurrencyTests() : ConcurrencyTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class PostgresConcurrencyTests() : ConcurrencyTests(DatabaseProvider.Postgres);
