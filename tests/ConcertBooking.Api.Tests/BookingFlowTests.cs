using System.Net;
using System.Net.Http.Json;
using System.Text;
using ConcertBooking.Api.Tests.Support;
using ConcertBooking.Contracts;
using ConcertBooking.Domain.Concerts;
using ConcertBooking.Domain.Reservations;
using ConcertBooking.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Api.Tests;

public abstract class BookingFlowTests(DatabaseProvider provider) : ProviderTests(provider)
{
    [ProviderFact]
    public async Task A_fan_buys_a_seat_from_token_to_balance()
    {
        var admin = await Api.AdminAsync();
        Assert.Contains("admin", admin.Roles);
        var now = Api.Clock.GetUtcNow();
        var created = await (await admin.Http.PostAsJsonAsync("/api/admin/concerts", new
        {
            name = "Seoul Jazz Festival",
            venue = "Olympic Park",
            startsAt = now.AddDays(60),
            bookingOpensAt = now,
            sections = new[]
            {
                new { name = "VIP", rows = 1, seatsPerRow = 2, price = 180_000L },
                new { name = "R", rows = 2, seatsPerRow = 3, price = 120_000L },
            },
        })).ReadAsync<ConcertBody>(HttpStatusCode.Created);
        Assert.Equal(("Seoul Jazz Festival", "Olympic Park", 8, 8, "ON_SALE"), (created.Name, created.Venue, created.TotalSeats, created.AvailableSeats, created.Status));
        Assert.Null(created.SoldOutAt);

        var listed = Assert.Single(await (await Api.Anonymous().GetAsync("/api/concerts")).ReadAsync<List<ConcertBody>>());
        Assert.Equal(created, listed);

        var seats = await Api.SeatsAsync(created.Id);
        Assert.Equal(["A-1", "A-2", "B-1", "B-2", "B-3", "C-1", "C-2", "C-3"], seats.Select(s => s.Label));
        Assert.All(seats, s => Assert.Equal("AVAILABLE", s.Status));
        var seat = seats.Single(s => s.Label == "B-2");
        Assert.Equal(("R", 120_000L), (seat.Section, seat.Price));

        var fan = await Api.SignInAsync("Minji.Kim@Example.com", "Minji Kim");
        Assert.Equal(["fan"], fan.Roles);
        Assert.Equal(0, await fan.BalanceAsync());
        var charged = await (await fan.ChargeAsync(500_000)).ReadAsync<BalanceBody>();
        Assert.Equal(new BalanceBody(fan.UserId, 500_000), charged);

        var holdResponse = await fan.HoldAsync(created.Id, seat.Id);
        var held = await holdResponse.ReadAsync<ReservationBody>(HttpStatusCode.Created);
        Assert.Equal($"/api/reservations/{held.Id}", holdResponse.Headers.Location?.OriginalString);
        Assert.Equal((created.Id, seat.Id, fan.UserId, 120_000L, "HELD"), (held.ConcertId, held.SeatId, held.UserId, held.Amount, held.Status));
        Assert.Equal(now, held.CreatedAt);
        Assert.Equal(now + TimeSpan.FromMinutes(5), held.ExpiresAt);
        Assert.Equal("HELD", (await Api.SeatsAsync(created.Id)).Single(s => s.Id == seat.Id).Status);
        Assert.Equal(7, (await Api.ConcertAsync(created.Id)).AvailableSeats);

        Api.Clock.Advance(TimeSpan.FromMinutes(4));
        var paid = await fan.PaidAsync(held.Id);
        Assert.Equal((held.Id, 120_000L, "POINTS", "COMPLETED", Api.Clock.GetUtcNow()), (paid.ReservationId, paid.Amount, paid.Method, paid.Status, paid.PaidAt));

        var mine = Assert.Single(await fan.MyReservationsAsync());
        Assert.Equal(held with { Status = "CONFIRMED" }, mine);
        Assert.Equal(mine, await (await fan.ReservationAsync(held.Id)).ReadAsync<ReservationBody>());
        Assert.Equal(380_000, await fan.BalanceAsync());
        Assert.Equal("SOLD", (await Api.SeatsAsync(created.Id)).Single(s => s.Id == seat.Id).Status);
        var afterSale = await Api.ConcertAsync(created.Id);
        Assert.Equal((7, "ON_SALE"), (afterSale.AvailableSeats, afterSale.Status));

        // The hold has long lapsed by now, but a paid reservation stays confirmed.
        Api.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal("CONFIRMED", (await (await fan.ReservationAsync(held.Id)).ReadAsync<ReservationBody>()).Status);
    }

    [ProviderFact]
    public async Task Every_state_change_writes_its_event_to_the_outbox_in_the_same_transaction()
    {
        var concert = await Api.CreateConcertAsync(seats: 3, price: 45_000);
        var seats = await Api.SeatsAsync(concert.Id);
        var fan = await Api.SignInAsync();
        await fan.ChargedAsync(1_000_000);
        var first = await fan.HeldAsync(concert.Id, seats[0].Id);
        var second = await fan.HeldAsync(concert.Id, seats[1].Id);
        var payment = await fan.PaidAsync(first.Id);

        var outbox = await Api.QueryAsync(db => db.OutboxMessages.AsNoTracking().OrderBy(m => m.Id).ToListAsync());

        Assert.Equal(
            [
                (EventTypes.ReservationCreated, Topics.ReservationEvents, $"reservation-{first.Id}"),
                (EventTypes.ReservationCreated, Topics.ReservationEvents, $"reservation-{second.Id}"),
                (EventTypes.PaymentCompleted, Topics.PaymentEvents, $"payment-{payment.PaymentId}"),
            ],
            outbox.Select(m => (m.EventType, m.Topic, m.Key)));
        Assert.Equal(outbox.Count, outbox.Select(m => m.EventId).Distinct().Count());

        var created = Assert.IsType<ReservationCreated>(EventSerializer.Deserialize(Encoding.UTF8.GetBytes(outbox[0].Payload), UpcastDefaults.Standard));
        Assert.Equal((first.Id, fan.UserId, concert.Id, seats[0].Id, 45_000L, concert.Name), (created.ReservationId, created.UserId, created.ConcertId, created.SeatId, created.Amount, created.ConcertName));
        var completed = Assert.IsType<PaymentCompleted>(EventSerializer.Deserialize(Encoding.UTF8.GetBytes(outbox[2].Payload), UpcastDefaults.Standard));
        Assert.Equal((payment.PaymentId, first.Id, fan.UserId, 45_000L, "POINTS"), (completed.PaymentId, completed.ReservationId, completed.UserId, completed.Amount, completed.PaymentMethod));
    }

    [ProviderFact]
    public async Task Selling_the_last_seat_sells_the_concert_out_once()
    {
        var concert = await Api.CreateConcertAsync(seats: 3, price: 30_000);
        var seats = await Api.SeatsAsync(concert.Id);
        var holds = new List<(Fan Fan, ReservationBody Hold)>();
        foreach (var seat in seats)
        {
            var fan = await Api.SignInAsync();
            await fan.ChargedAsync(30_000);
            holds.Add((fan, await fan.HeldAsync(concert.Id, seat.Id)));
        }

        await holds[0].Fan.PaidAsync(holds[0].Hold.Id);
        await holds[1].Fan.PaidAsync(holds[1].Hold.Id);
        var beforeLastSale = await Api.ConcertAsync(concert.Id);
        Assert.Equal(("ON_SALE", 0, (DateTimeOffset?)null), (beforeLastSale.Status, beforeLastSale.AvailableSeats, beforeLastSale.SoldOutAt));
        Assert.Empty(await Api.QueryAsync(db => db.OutboxMessages.AsNoTracking().Where(m => m.EventType == EventTypes.ConcertSoldOut).ToListAsync()));

        Api.Clock.Advance(TimeSpan.FromSeconds(30));
        await holds[2].Fan.PaidAsync(holds[2].Hold.Id);

        var soldOut = await Api.ConcertAsync(concert.Id);
        Assert.Equal(("SOLD_OUT", 0, Api.Clock.GetUtcNow()), (soldOut.Status, soldOut.AvailableSeats, soldOut.SoldOutAt));
        Assert.All(await Api.SeatsAsync(concert.Id), s => Assert.Equal("SOLD", s.Status));
        var listed = Assert.Single(await (await Api.Anonymous().GetAsync("/api/concerts")).ReadAsync<List<ConcertBody>>());
        Assert.Equal("SOLD_OUT", listed.Status);

        var soldOutEvent = Assert.Single(await Api.QueryAsync(db => db.OutboxMessages.AsNoTracking().Where(m => m.EventType == EventTypes.ConcertSoldOut).ToListAsync()));
        Assert.Equal((Topics.ConcertEvents, $"concert-{concert.Id}"), (soldOutEvent.Topic, soldOutEvent.Key));
        var payload = Assert.IsType<ConcertSoldOut>(EventSerializer.Deserialize(Encoding.UTF8.GetBytes(soldOutEvent.Payload), UpcastDefaults.Standard));
        Assert.Equal((concert.Id, concert.Name, 3, concert.BookingOpensAt, Api.Clock.GetUtcNow()), (payload.ConcertId, payload.ConcertName, payload.TotalSeats, payload.BookingStartTime, payload.SoldOutTime));

        var latecomer = await Api.SignInAsync();
        await (await latecomer.HoldAsync(concert.Id, seats[0].Id)).AssertProblemAsync(HttpStatusCode.Conflict, "seat-unavailable");
    }

    [ProviderFact]
    public async Task The_last_seats_paid_for_at_once_still_sell_the_concert_out_exactly_once()
    {
        var concert = await Api.CreateConcertAsync(seats: 3, price: 30_000);
        var seats = await Api.SeatsAsync(concert.Id);
        var holds = new List<(Fan Fan, ReservationBody Hold)>();
        foreach (var seat in seats)
        {
            var fan = await Api.SignInAsync();
            await fan.ChargedAsync(30_000);
            holds.Add((fan, await fan.HeldAsync(concert.Id, seat.Id)));
        }

        var payments = await Task.WhenAll(holds.Select(h => h.Fan.PayAsync(h.Hold.Id)));

        Assert.All(payments, p => Assert.Equal(HttpStatusCode.OK, p.StatusCode));
        Assert.Equal("SOLD_OUT", (await Api.ConcertAsync(concert.Id)).Status);
        var soldOut = Assert.Single(await Api.QueryAsync(db => db.OutboxMessages.AsNoTracking().Where(m => m.EventType == EventTypes.ConcertSoldOut).ToListAsync()));
        Assert.Equal(3, Assert.IsType<ConcertSoldOut>(EventSerializer.Deserialize(Encoding.UTF8.GetBytes(soldOut.Payload), UpcastDefaults.Standard)).TotalSeats);
        var concertRow = await Api.QueryAsync(db => db.Concerts.AsNoTracking().SingleAsync(c => c.Id == concert.Id));
        Assert.Equal(3, concertRow.SoldSeats);
    }

    [ProviderFact]
    public async Task A_concert_of_twenty_thousand_seats_is_created_through_the_api()
    {
        var admin = await Api.AdminAsync();
        var now = Api.Clock.GetUtcNow();

        var response = await admin.Http.PostAsJsonAsync("/api/admin/concerts", new
        {
            name = "BTS: Yet To Come",
            venue = "Busan Asiad Main Stadium",
            startsAt = now.AddDays(90),
            bookingOpensAt = now.AddDays(7),
            sections = new[]
            {
                new { name = "VIP", rows = 20, seatsPerRow = 100, price = 220_000L },
                new { name = "R", rows = 180, seatsPerRow = 100, price = 154_000L },
            },
        });

        var created = await response.ReadAsync<ConcertBody>(HttpStatusCode.Created);
        Assert.Equal((20_000, 20_000, "SCHEDULED"), (created.TotalSeats, created.AvailableSeats, created.Status));
        Assert.Equal($"/api/concerts/{created.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(20_000, (await Api.ConcertAsync(created.Id)).AvailableSeats);
        Assert.Equal(20_000, await Api.QueryAsync(db => db.Seats.CountAsync(s => s.ConcertId == created.Id && s.Status == SeatStatus.Available)));
    }

    [ProviderFact]
    public async Task The_seat_filter_and_availability_follow_holds_and_sales()
    {
        var concert = await Api.CreateConcertAsync(seats: 4);
        var seats = await Api.SeatsAsync(concert.Id);
        var fan = await Api.SignInAsync();
        await fan.ChargedAsync(1_000_000);
        await fan.HeldAsync(concert.Id, seats[0].Id);
        await fan.PaidAsync((await fan.HeldAsync(concert.Id, seats[1].Id)).Id);

        Assert.Equal([seats[2].Id, seats[3].Id], (await Api.SeatsAsync(concert.Id, "AVAILABLE")).Select(s => s.Id));
        Assert.Equal([seats[0].Id], (await Api.SeatsAsync(concert.Id, "HELD")).Select(s => s.Id));
        Assert.Equal([seats[1].Id], (await Api.SeatsAsync(concert.Id, "sold")).Select(s => s.Id));
        Assert.Equal(2, (await Api.ConcertAsync(concert.Id)).AvailableSeats);
        Assert.Equal(
            [ReservationStatus.Held, ReservationStatus.Confirmed],
            await Api.QueryAsync(db => db.Reservations.AsNoTracking().OrderBy(r => r.Id).Select(r => r.Status).ToListAsync()));
    }

    [ProviderFact]
    public async Task A_fans_reservations_are_listed_newest_first()
    {
        var concert = await Api.CreateConcertAsync(seats: 3);
        var seats = await Api.SeatsAsync(concert.Id);
        var fan = await Api.SignInAsync();
        var first = await fan.HeldAsync(concert.Id, seats[0].Id);
        Api.Clock.Advance(TimeSpan.FromSeconds(10));
        var second = await fan.HeldAsync(concert.Id, seats[1].Id);
        var third = await fan.HeldAsync(concert.Id, seats[2].Id);

        Assert.Equal([third.Id, second.Id, first.Id], (await fan.MyReservationsAsync()).Select(r => r.Id));
    }

    [ProviderFact]
    public async Task Concurrent_first_sign_ins_with_one_email_create_one_fan()
    {
        var email = $"drop-{Guid.NewGuid():N}@example.com";

        var fans = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Api.SignInAsync(email)));

        Assert.Single(fans.Select(f => f.UserId).Distinct());
        Assert.Equal(1, await Api.QueryAsync(db => db.Users.CountAsync(u => u.Email == email)));
    }

    [ProviderFact]
    public async Task Health_and_the_OpenAPI_document_answer_without_a_token()
    {
        var anonymous = Api.Anonymous();

        await (await anonymous.GetAsync("/health/live")).AssertStatusAsync(HttpStatusCode.OK);
        await (await anonymous.GetAsync("/health/ready")).AssertStatusAsync(HttpStatusCode.OK);
        var openApi = await anonymous.GetAsync("/openapi/v1.json");
        await openApi.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Contains("/api/reservations/{id}/payment", await openApi.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

public sealed class SqliteBookingFlowTests() : BookingFlowTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class PostgresBookingFlowTests() : BookingFlowTests(DatabaseProvider.Postgres);
