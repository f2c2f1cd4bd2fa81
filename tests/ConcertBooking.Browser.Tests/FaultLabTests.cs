using System.Net.Http.Json;
using System.Text.Json;
using ConcertBooking.Browser.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ConcertBooking.Browser.Tests;

/// <summary>An app of its own: a broker taken down must not disturb the other tests' app.</summary>
public sealed class FaultLabApp() : ConfiguredApp(new Dictionary<string, string>());

/// <summary>The fault lab, driven as an operator breaking the embedded cluster on purpose.</summary>
[Collection(BrowserCollection.Name)]
public sealed class FaultLabTests(BrowserFixture browser, FaultLabApp fixture, ITestOutputHelper output) : IClassFixture<FaultLabApp>
{
    private static readonly string[] Groups = ["data-platform", "notification-service", "ranking-service"];

    private LiveApp App => fixture.App;

    [BrowserFact]
    public async Task A_broker_taken_down_shows_in_the_cluster_view_while_a_booking_succeeds_then_comes_back()
    {
        var (concertId, seats) = await App.CreateConcertAsync("Fault Lab Night", seats: 4);
        var fan = await App.SignInAsync($"fault-fan-{Guid.NewGuid():N}@example.com");
        await using var session = new BrowserSession(browser, App, output);
        await session.RunAsync(async () =>
        {
            var page = await session.OpenAsync("/ops/fault-lab");
            await page.SignInAsOperatorAsync("admin@example.com");
            var broker = page.Locator("#lab-brokers tr[data-broker='2']");
            await Expect(broker).ToContainTextAsync("Up");

            await page.GetByRole(AriaRole.Button, new() { Name = "Take broker 2 down" }).ClickAsync();
            await Expect(page.Locator("#ops-msg")).ToContainTextAsync("Done");
            await Expect(broker.Locator("td").First).ToHaveTextAsync("Down");

            // Its partitions moved to live replicas and its replicas fell out of sync (9 partitions, 3 replicas each),
            // and the page keeps refreshing while the broker is gone.
            await Expect(broker.Locator("td").Nth(1)).ToHaveTextAsync("0");
            await Expect(page.Locator("td.role.out-of-sync")).ToHaveCountAsync(9);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Bring broker 2 up" })).ToBeVisibleAsync();

            // A booking needs only the database; the relay publishes its events to the new leaders, and the page,
            // refreshing by itself, shows them go out.
            await LiveApp.BuyAsync(fan, concertId, seats[0]);
            await Expect(page.Locator(".tile", new() { HasText = "Publish rate" })).Not.ToContainTextAsync("(0 in the last minute)", new() { Timeout = 30_000 });
            await Expect(page.GetByTestId("backlog")).ToHaveTextAsync("0 rows", new() { Timeout = 30_000 });
            output.WriteLine($"broker 2 down: {await BrowserSession.ScreenshotAsync(page, "fault-lab-broker-down")}");

            await page.GetByRole(AriaRole.Link, new() { Name = "Cluster", Exact = true }).ClickAsync();
            await Expect(page.Locator("#brokers-up")).ToHaveTextAsync("2 of 3");
            await Expect(page.Locator("#brokers tbody tr", new() { HasText = "Down" })).ToHaveCountAsync(1);

            await page.GetByRole(AriaRole.Link, new() { Name = "Fault lab", Exact = true }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Bring broker 2 up" }).ClickAsync();
            await Expect(broker.Locator("td").First).ToHaveTextAsync("Up");
            await Expect(page.Locator("td.role.out-of-sync")).ToHaveCountAsync(0);

            // Every group catches up, the ones whose coordinator was the broker that went down included.
            foreach (var group in Groups)
            {
                await Expect(page.Locator($"li[data-series='{group}'] strong")).ToHaveTextAsync("lag 0", new() { Timeout = 60_000 });
            }

            await page.GetByRole(AriaRole.Link, new() { Name = "Cluster", Exact = true }).ClickAsync();
            await Expect(page.Locator("#brokers-up")).ToHaveTextAsync("3 of 3");
        });

        var reservations = await LiveApp.ReservationsAsync(fan);
        Assert.Equal("CONFIRMED", Assert.Single(reservations).GetProperty("status").GetString());

        // The notification service handled the booking's events once the cluster was whole again.
        var notices = await LiveApp.WaitForAsync(fan, "/api/me/notifications", list => list.GetArrayLength() >= 2);
        Assert.Equal(2, notices.GetArrayLength());
    }
}
