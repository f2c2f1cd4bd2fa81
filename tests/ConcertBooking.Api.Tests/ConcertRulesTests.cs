using System.Net;
using System.Net.Http.Json;
using ConcertBooking.Api.Tests.Support;
using ConcertBooking.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Api.Tests;

/// <summary>What an admin may put on sale: booking opening now or later, a start after it within the horizon, unique sections.</summary>
public sealed class ConcertRulesTests : IAsyncLifetime
{
    private BookingApi _api = null!;

    public async Task InitializeAsync() => _api = await BookingApi.StartAsync(DatabaseProvider.Sqlite);

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Theory]
    [InlineData("0001-01-01T00:00:00Z", "0001-01-02T00:00:00Z", "bookingOpensAt must not be in the past.")]
    [InlineData("now+1d", "9999-12-31T00:00:00Z", "startsAt must be within 3 years from now.")]
    [InlineData("now-1d", "now+30d", "bookingOpensAt must not be in the past.")]
    [InlineData("now+2d", "now+1d", "bookingOpensAt must be before startsAt.")]
    public async Task A_concert_outside_the_rules_is_a_400_and_is_not_created(string opens, string starts, string detail)
    {
        var admin = await _api.AdminAsync();

        var response = await admin.Http.PostAsJsonAsync("/api/admin/concerts", new
        {
            name = "Festival",
            venue = "Park",
            startsAt = At(starts),
            bookingOpensAt = At(opens),
            sections = new[] { new { name = "GA", rows = 1, seatsPerRow = 1, price = 1 } },
        });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Equal(detail, problem.GetProperty("detail").GetString());
        Assert.Equal(0, await _api.QueryAsync(db => db.Concerts.CountAsync()));
    }

    [Fact]
    public async Task Duplicate_section_names_are_a_400()
    {
        var admin = await _api.AdminAsync();
        var now = _api.Clock.GetUtcNow();

        var response = await admin.Http.PostAsJsonAsync("/api/admin/concerts", new
        {
            name = "Festival",
            venue = "Park",
            startsAt = now.AddDays(30),
            bookingOpensAt = now,
            sections = new[] { new { name = "VIP", rows = 1, seatsPerRow = 1, price = 1 }, new { name = "vip ", rows = 1, seatsPerRow = 1, price = 2 } },
        });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Equal(0, await _api.QueryAsync(db => db.Seats.CountAsync()));
    }

    private DateTimeOffset At(string text) => text.StartsWith("now", StringComparison.Ordinal)
        ? _api.Clock.GetUtcNow().AddDays(int.Parse(text[3..^1], System.Globalization.CultureInfo.InvariantCulture))
        : DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
}
