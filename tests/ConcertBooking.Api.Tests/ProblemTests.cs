using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using ConcertBooking.Api.Tests.Support;
using ConcertBooking.Domain.Reservations;
using ConcertBooking.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ConcertBooking.Api.Tests;

/// <summary>Every error of the API contract: its status and its problem type slug.</summary>
public abstract class ProblemTests(DatabaseProvider provider) : ProviderTests(provider)
{
    private static readonly (HttpMethod Method, string Path)[] ProtectedRoutes =
    [
        (HttpMethod.Get, "/api/me/balance"),
        (HttpMethod.Post, "/api/me/balance/charge"),
        (HttpMethod.Get, "/api/me/reservations"),
        (HttpMethod.Post, "/api/reservations"),
        (HttpMethod.Get, "/api/reservations/1"),
        (HttpMethod.Post, "/api/reservations/1/payment"),
        (HttpMethod.Delete, "/api/reservations/1"),
        (HttpMethod.Post, "/api/admin/concerts"),
    ];

    [ProviderFact]
    public async Task Protected_routes_without_a_token_are_401()
    {
        var client = Api.Anonymous();
        foreach (var (method, path) in ProtectedRoutes)
        {
            await (await client.SendAsync(new HttpRequestMessage(method, path) { Content = JsonContent.Create(new { }) }))
                .AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        }
    }

    [ProviderFact]
    public async Task A_malformed_or_forged_token_is_401()
    {
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", "1"), new Claim("role", "admin")]),
            Issuer = "concertbooking-dev",
            Audience = "concertbooking",
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes("not-the-key-the-api-signs-its-tokens-with")), SecurityAlgorithms.HmacSha256),
        });

        foreach (var token in new[] { "garbage", "a.b.c", forged })
        {
            var client = Api.Anonymous();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            foreach (var (method, path) in ProtectedRoutes)
            {
                await (await client.SendAsync(new HttpRequestMessage(method, path) { Content = JsonContent.Create(new { }) }))
                    .AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
            }
        }
    }

    [ProviderFact]
    public async Task A_fan_on_an_admin_route_is_403()
    {
        var fan = await Api.SignInAsync();

        var response = await fan.Http.PostAsJsonAsync("/api/admin/concerts", new
        {
            name = "Pirate Show",
            venue = "Garage",
            startsAt = Api.Clock.GetUtcNow().AddDays(1),
            bookingOpensAt = Api.Clock.GetUtcNow(),
            sections = new[] { new { name = "GA", rows = 1, seatsPerRow = 1, price = 1 } },
        });

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(0, await Api.QueryAsync(db => db.Concerts.CountAsync()));
    }

    [ProviderFact]
    public async Task Unknown_concerts_seats_and_reservations_are_404()
    {
        var concert = await Api.CreateConcertAsync(seats: 1);
        var other = await Api.CreateConcertAsync(seats: 1);
        var otherSeat = (await Api.SeatsAsync(other.Id))[0];
        var fan = await Api.SignInAsync();
        const long unknown = 987_654;

        await (await Api.Anonymous().GetAsync($"/api/concerts/{unknown}")).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await Api.Anonymous().GetAsync($"/api/concerts/{unknown}/seats")).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await fan.HoldAsync(unknown, otherSeat.Id)).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await fan.HoldAsync(concert.Id, unknown)).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        var foreign = await (await fan.HoldAsync(concert.Id, otherSeat.Id)).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.Equal($"Seat {otherSeat.Id} is not a seat of concert {concert.Id}.", foreign.GetProperty("detail").GetString());
        await (await fan.HoldAsync(long.MaxValue, long.MaxValue)).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await fan.ReservationAsync(unknown)).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await fan.PayAsync(unknown)).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await fan.CancelAsync(unknown)).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await fan.Http.GetAsync("/api/no-such-route")).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.Equal(0, await Api.QueryAsync(db => db.Reservations.CountAsync()));
    }

    [ProviderFact]
    public async Task Holding_a_held_or_sold_seat_is_409_seat_unavailable()
    {
        var concert = await Api.CreateConcertAsync(seats: 2);
        var seats = await Api.SeatsAsync(concert.Id);
        var first = await Api.SignInAsync();
        var second = await Api.SignInAsync();
        await first.ChargedAsync(100_000);
        await first.HeldAsync(concert.Id, seats[0].Id);
        await first.PaidAsync((await first.HeldAsync(concert.Id, seats[1].Id)).Id);

        var problem = await (await second.HoldAsync(concert.Id, seats[0].Id)).AssertProblemAsync(HttpStatusCode.Conflict, "seat-unavailable");
        await (await first.HoldAsync(concert.Id, seats[0].Id)).AssertProblemAsync(HttpStatusCode.Conflict, "seat-unavailable");
        await (await second.HoldAsync(concert.Id, seats[1].Id)).AssertProblemAsync(HttpStatusCode.Conflict, "seat-unavailable");

        Assert.Contains(seats[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture), problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await second.MyReservationsAsync());
    }

    [ProviderFact]
    public async Task Holding_before_booking_opens_is_409_booking_not_open()
    {
        var concert = await Api.CreateConcertAsync(seats: 1, bookingOpensIn: TimeSpan.FromHours(2));
        Assert.Equal("SCHEDULED", concert.Status);
        var seat = (await Api.SeatsAsync(concert.Id))[0];
        var fan = await Api.SignInAsync();

        await (await fan.HoldAsync(concert.Id, seat.Id)).AssertProblemAsync(HttpStatusCode.Conflict, "booking-not-open");
        Assert.Equal("AVAILABLE", (await Api.SeatsAsync(concert.Id))[0].Status);

        Api.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal("ON_SALE", (await Api.ConcertAsync(concert.Id)).Status);
        await fan.HeldAsync(concert.Id, seat.Id);
    }

    [ProviderFact]
    public async Task Paying_a_paid_or_cancelled_reservation_is_409_reservation_not_held()
    {
        var concert = await Api.CreateConcertAsync(seats: 2, price: 10_000);
        var seats = await Api.SeatsAsync(concert.Id);
        var fan = await Api.SignInAsync();
        await fan.ChargedAsync(100_000);
        var paid = await fan.HeldAsync(concert.Id, seats[0].Id);
        await fan.PaidAsync(paid.Id);
        var cancelled = await fan.HeldAsync(concert.Id, seats[1].Id);
        await (await fan.CancelAsync(cancelled.Id)).AssertStatusAsync(HttpStatusCode.NoContent);

        await (await fan.PayAsync(paid.Id)).AssertProblemAsync(HttpStatusCode.Conflict, "reservation-not-held");
        await (await fan.PayAsync(cancelled.Id)).AssertProblemAsync(HttpStatusCode.Conflict, "reservation-not-held");
        await (await fan.CancelAsync(paid.Id)).AssertProblemAsync(HttpStatusCode.Conflict, "reservation-not-held");

        Assert.Equal(90_000, await fan.BalanceAsync());
        Assert.Equal(1, await Api.QueryAsync(db => db.Payments.CountAsync()));
    }

    [ProviderFact]
    public async Task Paying_a_lapsed_hold_is_409_reservation_expired()
    {
        var concert = await Api.CreateConcertAsync(seats: 1, price: 10_000);
        var fan = await Api.SignInAsync();
        await fan.ChargedAsync(10_000);
        var held = await fan.HeldAsync(concert.Id, (await Api.SeatsAsync(concert.Id))[0].Id);

        Api.Clock.Advance(TimeSpan.FromMinutes(5));

        await (await fan.PayAsync(held.Id)).AssertProblemAsync(HttpStatusCode.Conflict, "reservation-expired");
        Assert.Equal(10_000, await fan.BalanceAsync());
    }

    [ProviderFact]
    public async Task Paying_more_than_the_balance_is_409_insufficient_balance_and_changes_nothing()
    {
        var concert = await Api.CreateConcertAsync(seats: 1, price: 45_000);
        var fan = await Api.SignInAsync();
        await fan.ChargedAsync(44_999);
        var held = await fan.HeldAsync(concert.Id, (await Api.SeatsAsync(concert.Id))[0].Id);

        var problem = await (await fan.PayAsync(held.Id)).AssertProblemAsync(HttpStatusCode.Conflict, "insufficient-balance");

        Assert.Contains("44999", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(44_999, await fan.BalanceAsync());
        Assert.Equal("HELD", (await (await fan.ReservationAsync(held.Id)).ReadAsync<ReservationBody>()).Status);
        Assert.Equal(ReservationStatus.Held, await Api.QueryAsync(db => db.Reservations.Where(r => r.Id == held.Id).Select(r => r.Status).SingleAsync()));
        Assert.Equal(0, await Api.QueryAsync(db => db.Payments.CountAsync()));

        await fan.ChargedAsync(1);
        await fan.PaidAsync(held.Id);
        Assert.Equal(0, await fan.BalanceAsync());
    }

    [ProviderFact]
    public async Task Missing_or_out_of_range_fields_are_400_validation_naming_each_field()
    {
        var admin = await Api.AdminAsync();
        var fan = await Api.SignInAsync();
        var anonymous = Api.Anonymous();

        await (await anonymous.PostAsJsonAsync("/api/auth/token", new { })).AssertValidationProblemAsync("email", "name");
        await (await anonymous.PostAsJsonAsync("/api/auth/token", new { email = "no-at-sign", name = "X" })).AssertValidationProblemAsync("email");
        await (await anonymous.PostAsJsonAsync("/api/auth/token", new { email = new string('a', 250) + "@x.io", name = new string('n', 101) }))
            .AssertValidationProblemAsync("email", "name");
        await (await fan.Http.PostAsJsonAsync("/api/reservations", new { })).AssertValidationProblemAsync("concertId", "seatId");
        await (await fan.HoldAsync(0, -1)).AssertValidationProblemAsync("concertId", "seatId");
        await (await fan.ChargeAsync(0)).AssertValidationProblemAsync("amount");
        await (await fan.ChargeAsync(-5)).AssertValidationProblemAsync("amount");
        await (await fan.ChargeAsync(10_000_001)).AssertValidationProblemAsync("amount");
        await (await fan.ChargeAsync(long.MaxValue)).AssertValidationProblemAsync("amount");
        await (await fan.Http.PostAsJsonAsync("/api/me/balance/charge", new { })).AssertValidationProblemAsync("amount");
        await (await fan.Http.PostAsJsonAsync("/api/reservations/1/payment", new { })).AssertValidationProblemAsync("method");
        await (await Api.Anonymous().GetAsync("/api/concerts/1/seats?status=FOO")).AssertValidationProblemAsync("status");
        await (await admin.Http.PostAsJsonAsync("/api/admin/concerts", new { })).AssertValidationProblemAsync("name", "venue", "startsAt", "bookingOpensAt", "sections");
        await (await admin.Http.PostAsJsonAsync("/api/admin/concerts", new
        {
            name = "Festival",
            venue = "Park",
            startsAt = Api.Clock.GetUtcNow().AddDays(1),
            bookingOpensAt = Api.Clock.GetUtcNow(),
            sections = new object?[] { new { name = "", rows = 0, seatsPerRow = 1001, price = -1 }, null },
        })).AssertValidationProblemAsync("sections[0].name", "sections[0].rows", "sections[0].seatsPerRow", "sections[0].price", "sections[1]");

        var backwards = await (await admin.Http.PostAsJsonAsync("/api/admin/concerts", new
        {
            name = "Festival",
            venue = "Park",
            startsAt = Api.Clock.GetUtcNow(),
            bookingOpensAt = Api.Clock.GetUtcNow().AddDays(1),
            sections = new[] { new { name = "GA", rows = 1, seatsPerRow = 1, price = 1 } },
        })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Contains("bookingOpensAt", backwards.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var tooMany = await (await admin.Http.PostAsJsonAsync("/api/admin/concerts", new
        {
            name = "Festival",
            venue = "Park",
            startsAt = Api.Clock.GetUtcNow().AddDays(1),
            bookingOpensAt = Api.Clock.GetUtcNow(),
            sections = new[] { new { name = "A", rows = 1000, seatsPerRow = 1000, price = 1 } },
        })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Contains("100,000", tooMany.GetProperty("detail").GetString(), StringComparison.Ordinal);

        Assert.Equal(0, await Api.QueryAsync(db => db.Concerts.CountAsync()));
        Assert.Equal(0, await fan.BalanceAsync());
    }
}

public sealed class SqliteProblemTests() : ProblemTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class PostgresProblemTests() : ProblemTests(DatabaseProvider.Postgres);
