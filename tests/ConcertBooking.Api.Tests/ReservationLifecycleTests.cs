using System.Net;
using ConcertBooking.Api.Tests.Support;
using ConcertBooking.Contracts;
using ConcertBooking.Domain.Concerts;
using ConcertBooking.Domain.Reservations;
using ConcertBooking.Infrastructure;
using ConcertBooking.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Api.Tests;

/// <summary>Who may see and change a reservation, and how holds end: cancelled, expired, swept, taken over.</summary>
public abstract class ReservationLifecycleTests(DatabaseProvider provider) : ProviderTests(provider)
{
    private static readonly TimeSpan HoldDuration = TimeSpan.FromMinutes(5);

    [ProviderFact]
    public async Task Times_in_a_response_read_back_the_same_although_the_database_keeps_only_microseconds()
    {
        var concert = await Api.CreateConcertAsync(seats: 1, price: 10_000);
        var fan = await Api.SignInAsync();
        Api.Clock.Advance(TimeSpan.FromTicks(1_234_567));

        var held = await fan.HeldAsync(concert.Id, (await Api.SeatsAsync(concert.Id))[0].Id);
        var read = await (await fan.Http.GetAsync($"/api/reservations/{held.Id}")).ReadAsync<ReservationBody>();

        Assert.Equal((held.CreatedAt, held.ExpiresAt), (read.CreatedAt, read.ExpiresAt));
    }

    [ProviderFact]
    public async Task Another_fans_reservation_is_403_but_an_admin_may_read_it()
    {
        var concert = await Api.CreateConcertAsync(seats: 1, price: 10_000);
        var owner = await Api.SignInAsync();
        var stranger = await Api.SignInAsync();
        await stranger.ChargedAsync(10_000);
        var held = await owner.HeldAsync(concert.Id, (await Api.SeatsAsync(concert.Id))[0].Id);

        await (await stranger.ReservationAsync(held.Id)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await stranger.PayAsync(held.Id)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await stranger.CancelAsync(held.Id)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Empty(await stranger.MyReservationsAsync());
        Assert.Equal(10_000, await stranger.BalanceAsync());

        var admin = await Api.AdminAsync();
        Assert.Equal(held, await (await admin.ReservationAsync(held.Id)).ReadAsync<ReservationBody>());
        Assert.Equal(held, await (await owner.ReservationAsync(held.Id)).ReadAsync<ReservationBody>());
        Assert.Equal([held], await owner.MyReservationsAsync());
    }

    [ProviderFact]
    public async Task Cancelling_a_hold_frees_the_seat_and_cancelling_again_is_409()
    {
        var concert = await Api.CreateConcertAsync(seats: 1);
        var seat = (await Api.SeatsAsync(concert.Id))[0];
        var fan = await Api.SignInAsync();
        var held = await fan.HeldAsync(concert.Id, seat.Id);

        var cancel = await fan.CancelAsync(held.Id);

        await cancel.AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.Empty(await cancel.Content.ReadAsByteArrayAsync());
        Assert.Equal("CANCELLED", (await (await fan.ReservationAsync(held.Id)).ReadAsync<ReservationBody>()).Status);
        Assert.Equal("AVAILABLE", (await Api.SeatsAsync(concert.Id))[0].Status);
        Assert.Equal(1, (await Api.ConcertAsync(concert.Id)).AvailableSeats);
        await (await fan.CancelAsync(held.Id)).AssertProblemAsync(HttpStatusCode.Conflict, "reservation-not-held");

        var cancelled = Assert.Single(await Api.QueryAsync(db => db.OutboxMessages.AsNoTracking().Where(m => m.EventType == EventTypes.ReservationCancelled).ToListAsync()));
        Assert.Equal($"reservation-{held.Id}", cancelled.Key);

        var next = await Api.SignInAsync();
        Assert.Equal("HELD", (await next.HeldAsync(concert.Id, seat.Id)).Status);
    }

    [ProviderFact]
    public async Task A_lapsed_hold_reads_expired_and_frees_its_seat_before_any_sweep()
    {
        var concert = await Api.CreateConcertAsync(seats: 2, price: 10_000);
        var seat = (await Api.SeatsAsync(concert.Id))[0];
        var fan = await Api.SignInAsync();
        await fan.ChargedAsync(10_000);
        var held = await fan.HeldAsync(concert.Id, seat.Id);

        Api.Clock.Advance(HoldDuration - TimeSpan.FromSeconds(1));
        Assert.Equal("HELD", (await (await fan.ReservationAsync(held.Id)).ReadAsync<ReservationBody>()).Status);
        Assert.Equal(1, (await Api.ConcertAsync(concert.Id)).AvailableSeats);

        Api.Clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal("EXPIRED", (await (await fan.ReservationAsync(held.Id)).ReadAsync<ReservationBody>()).Status);
        Assert.Equal("EXPIRED", Assert.Single(await fan.MyReservationsAsync()).Status);
        Assert.Equal("AVAILABLE", (await Api.SeatsAsync(concert.Id)).Single(s => s.Id == seat.Id).Status);
        Assert.Contains(seat.Id, (await Api.SeatsAsync(concert.Id, "AVAILABLE")).Select(s => s.Id));
        Assert.Empty(await Api.SeatsAsync(concert.Id, "HELD"));
        Assert.Equal(2, (await Api.ConcertAsync(concert.Id)).AvailableSeats);
        await (await fan.PayAsync(held.Id)).AssertProblemAsync(HttpStatusCode.Conflict, "reservation-expired");
        await (await fan.CancelAsync(held.Id)).AssertProblemAsync(HttpStatusCode.Conflict, "reservation-expired");
        Assert.Equal(10_000, await fan.BalanceAsync());

        // Nothing has swept yet: the rows still say HELD, and only reads treat the hold as over.
        Assert.Equal((ReservationStatus.Held, SeatStatus.Held), await StoredStatusAsync(held.Id));
        Assert.Empty(await OutboxAsync(EventTypes.ReservationExpired));
    }

    [ProviderFact]
    public async Task The_sweeper_records_the_expiry_and_another_fan_can_hold_the_seat()
    {
        var concert = await Api.CreateConcertAsync(seats: 1);
        var seat = (await Api.SeatsAsync(concert.Id))[0];
        var fan = await Api.SignInAsync();
        var held = await fan.HeldAsync(concert.Id, seat.Id);
        Api.Clock.Advance(HoldDuration + TimeSpan.FromSeconds(1));

        Assert.Equal(1, await Api.SweepAsync());

        Assert.Equal((ReservationStatus.Expired, SeatStatus.Available), await StoredStatusAsync(held.Id));
        var row = await Api.QueryAsync(db => db.Reservations.AsNoTracking().SingleAsync(r => r.Id == held.Id));
        Assert.Equal(Api.Clock.GetUtcNow(), row.EndedAt);
        Assert.Null(await Api.QueryAsync(db => db.Seats.Where(s => s.Id == seat.Id).Select(s => s.HeldUntil).SingleAsync()));
        var expired = Assert.Single(await OutboxAsync(EventTypes.ReservationExpired));
        Assert.Equal((Topics.ReservationEvents, $"reservation-{held.Id}"), (expired.Topic, expired.Key));
        Assert.Equal("EXPIRED", (await (await fan.ReservationAsync(held.Id)).ReadAsync<ReservationBody>()).Status);
        await (await fan.PayAsync(held.Id)).AssertProblemAsync(HttpStatusCode.Conflict, "reservation-expired");

        var next = await Api.SignInAsync();
        var taken = await next.HeldAsync(concert.Id, seat.Id);
        Assert.Equal("HELD", taken.Status);
        Assert.Equal(0, await Api.SweepAsync());
        Assert.Single(await OutboxAsync(EventTypes.ReservationExpired));
    }

    [ProviderFact]
    public async Task A_lapsed_hold_is_taken_over_before_the_sweeper_runs_and_the_sweeper_then_leaves_the_new_hold_alone()
    {
        var concert = await Api.CreateConcertAsync(seats: 1, price: 10_000);
        var seat = (await Api.SeatsAsync(concert.Id))[0];
        var first = await Api.SignInAsync();
        var lapsed = await first.HeldAsync(concert.Id, seat.Id);
        Api.Clock.Advance(HoldDuration);

        var second = await Api.SignInAsync();
        var taken = await second.HeldAsync(concert.Id, seat.Id);

        Assert.Equal((ReservationStatus.Expired, SeatStatus.Held), await StoredStatusAsync(lapsed.Id));
        Assert.Equal((ReservationStatus.Held, SeatStatus.Held), await StoredStatusAsync(taken.Id));
        Assert.Equal($"reservation-{lapsed.Id}", Assert.Single(await OutboxAsync(EventTypes.ReservationExpired)).Key);
        Assert.Equal(0, await Api.SweepAsync());

        Assert.Equal("HELD", (await Api.SeatsAsync(concert.Id))[0].Status);
        await second.ChargedAsync(10_000);
        await second.PaidAsync(taken.Id);
        Assert.Equal("SOLD_OUT", (await Api.ConcertAsync(concert.Id)).Status);
        await (await first.PayAsync(lapsed.Id)).AssertProblemAsync(HttpStatusCode.Conflict, "reservation-expired");
    }

    [ProviderFact]
    public async Task The_sweeper_expires_every_lapsed_hold_and_nothing_else()
    {
        var concert = await Api.CreateConcertAsync(seats: 5, price: 10_000);
        var seats = await Api.SeatsAsync(concert.Id);
        var fan = await Api.SignInAsync();
        await fan.ChargedAsync(10_000);
        var paid = await fan.HeldAsync(concert.Id, seats[0].Id);
        await fan.PaidAsync(paid.Id);
        var cancelled = await fan.HeldAsync(concert.Id, seats[1].Id);
        await (await fan.CancelAsync(cancelled.Id)).AssertStatusAsync(HttpStatusCode.NoContent);
        var early = await fan.HeldAsync(concert.Id, seats[2].Id);
        var alsoEarly = await fan.HeldAsync(concert.Id, seats[3].Id);
        Api.Clock.Advance(TimeSpan.FromMinutes(3));
        var late = await fan.HeldAsync(concert.Id, seats[4].Id);
        Api.Clock.Advance(TimeSpan.FromMinutes(3));

        Assert.Equal(2, await Api.SweepAsync());

        Assert.Equal((ReservationStatus.Confirmed, SeatStatus.Sold), await StoredStatusAsync(paid.Id));
        Assert.Equal((ReservationStatus.Cancelled, SeatStatus.Available), await StoredStatusAsync(cancelled.Id));
        Assert.Equal((ReservationStatus.Expired, SeatStatus.Available), await StoredStatusAsync(early.Id));
        Assert.Equal((ReservationStatus.Expired, SeatStatus.Available), await StoredStatusAsync(alsoEarly.Id));
        Assert.Equal((ReservationStatus.Held, SeatStatus.Held), await StoredStatusAsync(late.Id));
        Assert.Equal(
            [$"reservation-{early.Id}", $"reservation-{alsoEarly.Id}"],
            (await OutboxAsync(EventTypes.ReservationExpired)).Select(m => m.Key).Order());
    }

    private Task<(ReservationStatus Reservation, SeatStatus Seat)> StoredStatusAsync(long reservationId) =>
        Api.QueryAsync(async db =>
        {
            var reservation = await db.Reservations.AsNoTracking().SingleAsync(r => r.Id == reservationId);
            var seat = await db.Seats.AsNoTracking().SingleAsync(s => s.Id == reservation.SeatId);
            return (reservation.Status, seat.Status);
        });

    private Task<List<OutboxMessage>> OutboxAsync(string eventType) =>
        Api.QueryAsync(db => db.OutboxMessages.AsNoTracking().Where(m => m.EventType == eventType).OrderBy(m => m.Id).ToListAsync());
}

public sealed class SqliteReservationLifecycleTests() : ReservationLifecycleTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class PostgresReservationLifecycleTests() : ReservationLifecycleTests(DatabaseProvider.Postgres);
