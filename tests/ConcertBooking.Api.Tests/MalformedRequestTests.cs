using System.Net;
using System.Text;
using ConcertBooking.Api.Tests.Support;
using ConcertBooking.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Api.Tests;

/// <summary>Whatever a client sends, a bad request is a 400 problem and never a 500, and it changes nothing.</summary>
public abstract class MalformedRequestTests(DatabaseProvider provider) : ProviderTests(provider)
{
    private const string Hold = "/api/reservations";
    private const string Charge = "/api/me/balance/charge";
    private const string Pay = "/api/reservations/1/payment";
    private const string CreateConcert = "/api/admin/concerts";
    private const string Token = "/api/auth/token";
    private const string Concert = """
        "name":"Festival","venue":"Park","startsAt":"2030-05-20T18:00:00+09:00","bookingOpensAt":"2030-03-01T20:00:00+09:00"
        """;

    public static TheoryData<string, string, string> Requests => new()
    {
        { Hold, "{", "bad-request" },
        { Hold, "not json at all", "bad-request" },
        { Hold, "", "bad-request" },
        { Hold, "null", "bad-request" },
        { Hold, "[]", "bad-request" },
        { Hold, "42", "bad-request" },
        { Hold, """{"concertId":"1","seatId":1}""", "bad-request" },
        { Hold, """{"concertId":1.5,"seatId":1}""", "bad-request" },
        { Hold, """{"concertId":true,"seatId":1}""", "bad-request" },
        { Hold, """{"concertId":99999999999999999999,"seatId":1}""", "bad-request" },
        { Hold, """{"concertId":-1,"seatId":-9223372036854775808}""", "validation" },
        { Charge, """{"amount":-100}""", "validation" },
        { Charge, """{"amount":9223372036854775807}""", "validation" },
        { Charge, """{"amount":99999999999999999999999}""", "bad-request" },
        { Charge, """{"amount":1e3}""", "bad-request" },
        { Charge, """{"amount":"100"}""", "bad-request" },
        { Charge, """{"amount":null}""", "validation" },
        { Charge, "", "bad-request" },
        { Pay, """{"method":"CASH"}""", "bad-request" },
        { Pay, """{"method":0}""", "bad-request" },
        { Pay, """{"method":["POINTS"]}""", "bad-request" },
        { Pay, """{"method":null}""", "validation" },
        { Pay, "", "bad-request" },
        { CreateConcert, "{" + Concert + ""","sections":[{"name":"VIP","rows":"ten","seatsPerRow":10,"price":1}]}""", "bad-request" },
        { CreateConcert, "{" + Concert + ""","sections":[{"name":"VIP","rows":2147483648,"seatsPerRow":10,"price":1}]}""", "bad-request" },
        { CreateConcert, "{" + Concert + ""","sections":[{"name":"VIP","rows":1,"seatsPerRow":1,"price":100000001}]}""", "validation" },
        { CreateConcert, "{" + Concert + ""","sections":[{"name":"VIP","rows":-1,"seatsPerRow":1,"price":1}]}""", "validation" },
        { CreateConcert, "{" + Concert + ""","sections":"VIP"}""", "bad-request" },
        { CreateConcert, """{"name":"Festival","venue":"Park","startsAt":"tomorrow","bookingOpensAt":"2030-03-01T20:00:00+09:00","sections":[]}""", "bad-request" },
        { CreateConcert, "", "bad-request" },
        { Token, """{"email":123,"name":"X"}""", "bad-request" },
        { Token, "", "bad-request" },
    };

    [ProviderTheory]
    [MemberData(nameof(Requests))]
    public async Task A_bad_request_body_is_a_400_problem(string path, string body, string slug)
    {
        var admin = await Api.AdminAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

        var problem = await (await admin.Http.SendAsync(request)).AssertProblemAsync(HttpStatusCode.BadRequest, slug);
        Assert.DoesNotMatch(@"\b(System|ConcertBooking|Microsoft)\.[A-Z]", problem.ToString());

        Assert.Equal(0, await admin.BalanceAsync());
        Assert.Equal(0, await Api.QueryAsync(db => db.Concerts.CountAsync()));
        Assert.Equal(0, await Api.QueryAsync(db => db.Reservations.CountAsync()));
    }

    [ProviderFact]
    public async Task A_value_of_the_wrong_kind_is_answered_in_the_wire_s_words()
    {
        var fan = await Api.SignInAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, Pay) { Content = new StringContent("""{"method":"CARD"}""", Encoding.UTF8, "application/json") };

        var problem = await (await fan.Http.SendAsync(request)).AssertProblemAsync(HttpStatusCode.BadRequest, "bad-request");

        Assert.Equal("The request body is not valid: the value at $.method is not one of POINTS.", problem.GetProperty("detail").GetString());

        var text = new HttpRequestMessage(HttpMethod.Post, Hold) { Content = new StringContent("""{"concertId":"1","seatId":1}""", Encoding.UTF8, "application/json") };
        var wrongType = await (await fan.Http.SendAsync(text)).AssertProblemAsync(HttpStatusCode.BadRequest, "bad-request");
        Assert.Equal("The request body is not valid: the value at $.concertId is not a whole number.", wrongType.GetProperty("detail").GetString());
    }

    [ProviderFact]
    public async Task A_post_without_any_body_is_a_400_problem()
    {
        var fan = await Api.SignInAsync();

        foreach (var path in new[] { Hold, Charge, Pay })
        {
            await (await fan.Http.PostAsync(path, content: null)).AssertProblemAsync(HttpStatusCode.BadRequest, "bad-request");
        }
    }

    [ProviderFact]
    public async Task An_overlong_idempotency_key_is_a_400_validation_problem()
    {
        var fan = await Api.SignInAsync();

        await (await fan.ChargeAsync(1_000, new string('k', 201))).AssertValidationProblemAsync("Idempotency-Key");

        Assert.Equal(0, await fan.BalanceAsync());
        await (await fan.ChargeAsync(1_000, new string('k', 200))).AssertStatusAsync(HttpStatusCode.OK);
    }
}

public sealed class SqliteMalformedRequestTests() : MalformedRequestTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class PostgresMalformedRequestTests() : MalformedRequestTests(DatabaseProvider.Postgres);
