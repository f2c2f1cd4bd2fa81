using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ConcertBooking.Browser.Tests.Support;
using Deque.AxeCore.Playwright;
using Xunit.Abstractions;
using static ConcertBooking.Browser.Tests.Support.FanSteps;
using static Microsoft.Playwright.Assertions;

namespace ConcertBooking.Browser.Tests;

/// <summary>An app of its own whose admission passes run every 100 ms, so a freed turn is handed on at once.</summary>
public sealed class FastQueueApp : IDisposable
{
    public LiveApp App { get; } = new LiveApp(new Dictionary<string, string>
    {
        ["Queue:AdmissionInterval"] = "00:00:00.100",
    }).Start();

    public void Dispose() => App.Dispose();
}

[Collection(BrowserCollection.Name)]
public sealed class WaitingRoomPageTests(BrowserFixture browser, FastQueueApp fixture, ITestOutputHelper output) : IClassFixture<FastQueueApp>
{
    [BrowserFact]
    public async Task A_fan_waits_in_line_sees_the_place_and_is_taken_to_the_seats_when_the_turn_comes()
    {
        var text = Text("ko");
        var (concertId, _) = await fixture.App.CreateConcertAsync("Waiting Room Night", seats: 4, price: 99_000,
            queue: new { enabled = true, opensAt = DateTimeOffset.UtcNow, admissionWindow = "00:10:00", maxActiveShoppers = 1 });

        // Someone is already shopping, so the browser's fan is first in line behind them.
        var shopper = await fixture.App.SignInAsync($"shopper-{Guid.NewGuid():N}@example.com");
        (await shopper.PostAsync($"/api/concerts/{concertId}/queue", null)).EnsureSuccessStatusCode();
        await WaitForStatusAsync(shopper, concertId, "ADMITTED");

        await using var session = new BrowserSession(browser, fixture.App, output);
        await session.RunAsync(async () =>
        {
            var fan = await session.OpenAsync($"/concerts/{concertId}", "ko");
            await fan.SignInAsync($"queued-{Guid.NewGuid():N}@example.com", "기다리는 팬", "ko");
            await Expect(fan.Locator("#queue-gate")).ToBeVisibleAsync();
            await Expect(fan.Button(text["book.hold"])).ToBeHiddenAsync();

            await fan.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = text["queue.enter"], Exact = true }).ClickAsync();
            await Expect(fan.Locator("#queue-position")).ToHaveTextAsync(string.Format(text["queue.nth"], 1));
            await Expect(fan.Locator("#queue-ahead")).ToHaveTextAsync(string.Format(text["queue.people"], 0));
            await Expect(fan.Locator("#queue-status")).ToHaveTextAsync(text["queue.waiting"]);
            await Expect(fan.Locator("#queue-leave")).ToBeVisibleAsync();
            output.WriteLine($"screenshot: {await BrowserSession.ScreenshotAsync(fan, "waiting-room-ko")}");
            var serious = (await fan.RunAxe()).Violations.Where(v => v.Impact is "serious" or "critical").Select(v => v.Id);
            Assert.Empty(serious);

            // The shopper ends the turn: the next pass admits the fan, whose page goes on to the seats by itself.
            Assert.Equal(HttpStatusCode.NoContent, (await shopper.DeleteAsync($"/api/concerts/{concertId}/queue/me")).StatusCode);
            await fan.WaitForURLAsync(new Uri(fixture.App.BaseAddress, $"/concerts/{concertId}").ToString());
            await Expect(fan.Locator("#queue-turn")).ToBeVisibleAsync();
            await Expect(fan.Locator("#queue-gate")).ToBeHiddenAsync();
            await fan.Seat("A-1").ClickAsync();
            await fan.Button(text["book.hold"]).ClickAsync();
            await Expect(fan.Locator("#held-box")).ToBeVisibleAsync();
            output.WriteLine($"screenshot: {await BrowserSession.ScreenshotAsync(fan, "waiting-room-turn-ko")}");
        });
    }

    private static async Task WaitForStatusAsync(HttpClient fan, long concertId, string status)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await fan.GetFromJsonAsync<JsonElement>($"/api/concerts/{concertId}/queue/me", timeout.Token)).GetProperty("status").GetString() != status)
        {
            await Task.Delay(100, timeout.Token);
        }
    }
}
