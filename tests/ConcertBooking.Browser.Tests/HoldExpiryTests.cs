using ConcertBooking.Browser.Tests.Support;
using Xunit.Abstractions;
using static ConcertBooking.Browser.Tests.Support.FanSteps;
using static Microsoft.Playwright.Assertions;

namespace ConcertBooking.Browser.Tests;

/// <summary>An app of its own whose holds last seconds, not minutes.</summary>
public sealed class ShortHoldApp : IDisposable
{
    public LiveApp App { get; } = new LiveApp(new Dictionary<string, string>
    {
        ["Booking:HoldDuration"] = "00:00:06",
        ["Booking:SweepInterval"] = "00:00:01",
    }).Start();

    public void Dispose() => App.Dispose();
}

[Collection(BrowserCollection.Name)]
public sealed class HoldExpiryTests(BrowserFixture browser, ShortHoldApp fixture, ITestOutputHelper output) : IClassFixture<ShortHoldApp>
{
    [BrowserFact]
    public async Task A_hold_that_expires_returns_the_seat_to_the_map_and_the_page_says_so()
    {
        var text = Text("en");
        var (concertId, _) = await fixture.App.CreateConcertAsync("Short Hold Night", seats: 4);
        await using var session = new BrowserSession(browser, fixture.App, output);
        await session.RunAsync(async () =>
        {
            var watcher = await session.OpenAsync($"/concerts/{concertId}");
            var fan = await session.OpenAsync($"/concerts/{concertId}");
            await fan.SignInAsync($"expiry-{Guid.NewGuid():N}@example.com", "Slow Payer");
            await fan.Seat("A-1").ClickAsync();
            await fan.Button(text["book.hold"]).ClickAsync();
            await Expect(fan.Locator("#held-box")).ToBeVisibleAsync();
            await Expect(watcher.Seat("A-1")).ToHaveAccessibleNameAsync($"A-1 {text["seat.held"]}");

            await Expect(fan.Locator("#book-msg")).ToHaveTextAsync(string.Format(text["book.expired"], "A-1"));
            await Expect(fan.Locator("#held-box")).ToBeHiddenAsync();
            await Expect(fan.Seat("A-1")).ToHaveAccessibleNameAsync("A-1");
            await Expect(fan.Seat("A-1")).Not.ToHaveAttributeAsync("aria-disabled", "true");
            await Expect(watcher.Seat("A-1")).ToHaveAccessibleNameAsync("A-1");
        });
    }
}
