using ConcertBooking.Browser.Tests.Support;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static ConcertBooking.Browser.Tests.Support.FanSteps;
using static Microsoft.Playwright.Assertions;

namespace ConcertBooking.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class PageTests(BrowserFixture browser, AppFixture fixture, ITestOutputHelper output)
{
    private LiveApp App => fixture.App;

    [BrowserFact]
    public async Task The_list_seat_map_and_my_page_have_no_serious_accessibility_violations()
    {
        var (concertId, seats) = await App.CreateConcertAsync("Axe Night", seats: 20);
        await LiveApp.BuyAsync(await App.SignInAsync($"axe-other-{Guid.NewGuid():N}@example.com"), concertId, seats[3]);
        await using var session = new BrowserSession(browser, App, output);
        await session.RunAsync(async () =>
        {
            var page = await session.OpenAsync($"/concerts/{concertId}");
            await page.SignInAsync($"axe-{Guid.NewGuid():N}@example.com", "Axe Fan");
            await Expect(page.Seat("A-4")).ToHaveAccessibleNameAsync("A-4 sold");
            foreach (var (path, ready) in new[] { ("/", "h1"), ($"/concerts/{concertId}", "#balance"), ("/me", "#reservations") })
            {
                foreach (var lang in new[] { "en", "ko" })
                {
                    await page.GotoAsync($"/app/language/{lang}?returnUrl={Uri.EscapeDataString(path)}");
                    await Expect(page.Locator(ready)).ToBeVisibleAsync();
                    var serious = (await page.RunAxe()).Violations.Where(v => v.Impact is "serious" or "critical").ToList();
                    Assert.True(
                        serious.Count == 0,
                        $"{path} ({lang}): " + string.Join("; ", serious.Select(v => $"{v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target))}")));
                }
            }
        });
    }

    [BrowserFact]
    public async Task The_list_and_the_seat_map_are_readable_without_JavaScript()
    {
        var name = $"No Script Night {Guid.NewGuid():N}"[..22];
        var (concertId, seats) = await App.CreateConcertAsync(name, seats: 6, price: 77_000, section: "R");
        await LiveApp.BuyAsync(await App.SignInAsync($"noscript-{Guid.NewGuid():N}@example.com"), concertId, seats[0]);
        await using var session = new BrowserSession(browser, App, output);
        await session.RunAsync(async () =>
        {
            var page = await session.OpenAsync("/", "ko", javaScript: false);
            var card = page.Locator(".card", new() { Has = page.GetByRole(AriaRole.Link, new() { Name = name }) });
            await Expect(card).ToContainTextAsync(UiText("ko")["status.ON_SALE"]);
            await Expect(card).ToContainTextAsync("77,000원");
            await Expect(card).ToContainTextAsync(string.Format(UiText("ko")["concert.left"], 5, 6));

            await page.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
            await Expect(page.Seat("A-1")).ToHaveAccessibleNameAsync($"A-1 {UiText("ko")["seat.sold"]}");
            await Expect(page.Seat("A-2")).ToHaveAccessibleNameAsync("A-2");
            await Expect(page.GetByText(UiText("ko")["book.nojs"])).ToBeVisibleAsync();
        });
    }

    [BrowserFact]
    public async Task An_unknown_concert_is_a_readable_404_page()
    {
        await using var session = new BrowserSession(browser, App, output);
        await session.RunAsync(async () =>
        {
            var page = await session.OpenAsync("/concerts/999999");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "404" })).ToBeVisibleAsync();
            await Expect(page.GetByText(Text("en")["concert.missing"])).ToBeVisibleAsync();
        });
    }

    /// <summary>Every page at desktop and phone width, in both languages: nothing wider than the screen (the seat
    /// map scrolls inside its own box). The screenshots are kept in the test output folder to look at.</summary>
    [BrowserFact]
    public async Task Every_page_fits_a_phone_and_a_desktop_in_both_languages()
    {
        var (concertId, seats) = await App.CreateConcertAsync("Screenshot Night", seats: 24);
        await LiveApp.BuyAsync(await App.SignInAsync($"shots-{Guid.NewGuid():N}@example.com"), concertId, seats[5]);
        await using var session = new BrowserSession(browser, App, output);
        await session.RunAsync(async () =>
        {
            foreach (var lang in new[] { "en", "ko" })
            {
                foreach (var (width, viewport) in new[] { ("desktop", BrowserFixture.Desktop), ("phone", BrowserFixture.Phone) })
                {
                    var page = await session.OpenAsync("/signin", lang, viewport);
                    await page.SignInAsync($"shots-{Guid.NewGuid():N}@example.com", "Minji Kim", lang);
                    foreach (var (name, path, ready) in new[] { ("list", "/", "h1"), ("concert", $"/concerts/{concertId}", "#balance"), ("me", "/me", "#reservations"), ("signin", "/signin", "h1") })
                    {
                        await page.GotoAsync(path);
                        await Expect(page.Locator(ready)).ToBeVisibleAsync();
                        var overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - window.innerWidth");
                        Assert.True(overflow <= 0, $"{path} ({lang}, {width}) is {overflow}px wider than the screen");
                        output.WriteLine(await BrowserSession.ScreenshotAsync(page, $"pages/{name}-{width}-{lang}"));
                    }
                }
            }
        });
    }

    private static IReadOnlyDictionary<string, string> UiText(string lang) => Text(lang);
}
