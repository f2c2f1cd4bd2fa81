using System.Net;
using System.Net.Http.Json;
using ConcertBooking.Api.Tests.Support;
using ConcertBooking.Infrastructure;

namespace ConcertBooking.Api.Tests;

/// <summary>ASP.NET Core's rate limiter with small limits: a 429 problem with Retry-After, per user or per IP.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private BookingApi _api = null!;

    public async Task InitializeAsync() => _api = await BookingApi.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
    {
        ["RateLimits:TokensPerIp:PermitLimit"] = "4",
        ["RateLimits:TokensPerIp:Window"] = "01:00:00",
        ["RateLimits:HoldsPerUser:PermitLimit"] = "2",
        ["RateLimits:HoldsPerUser:Window"] = "01:00:00",
    });

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task A_fan_over_the_hold_limit_gets_429_with_Retry_After_and_others_do_not()
    {
        var concert = await _api.CreateConcertAsync(seats: 10);
        var seats = await _api.SeatsAsync(concert.Id);
        var fan = await _api.SignInAsync();
        var other = await _api.SignInAsync();

        await fan.HeldAsync(concert.Id, seats[0].Id);
        await (await fan.HoldAsync(concert.Id, seats[0].Id)).AssertProblemAsync(HttpStatusCode.Conflict, "seat-unavailable");
        var refused = await fan.HoldAsync(concert.Id, seats[1].Id);

        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "too-many-requests");
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        await other.HeldAsync(concert.Id, seats[1].Id);
    }

    [Fact]
    public async Task The_token_endpoint_is_limited_per_address()
    {
        for (var i = 0; i < 4; i++)
        {
            await _api.SignInAsync();
        }

        var refused = await _api.Anonymous().PostAsJsonAsync("/api/auth/token", new { email = "late@example.com", name = "Late" });

        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "too-many-requests");
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
    }
}
