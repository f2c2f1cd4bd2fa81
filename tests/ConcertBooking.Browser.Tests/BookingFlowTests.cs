using System.Text.RegularExpressions;
using ConcertBooking.Browser.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static ConcertBooking.Browser.Tests.Support.FanSteps;
using static Microsoft.Playwright.Assertions;

namespace ConcertBooking.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class BookingFlowTests(BrowserFixture browser, AppFixture fixture, ITestOutputHelper output)
{
    private LiveApp App => fixture.App;

    [BrowserTheory]
    [InlineData("en")]
    [InlineData("ko")]
    public async Task A_new_fan_holds_charges_pays_and_sees_the_receipt_arrive_while_a_watcher_sees_the_seat_sold(string lang)
    {
        var text = Text(lang);
        var name = $"Jazz Night {lang} {Guid.NewGuid():N}"[..24];
        var (concertId, _) = await App.CreateConcertAsync(name, seats: 4, price: 45_000);
        await using var session = new BrowserSession(browser, App, output);
        await session.RunAsync(async () =>
        {
            var watcher = await session.OpenAsync($"/concerts/{concertId}", lang);
            var fan = await session.OpenAsync("/", lang);
            await Expect(fan.GetByRole(AriaRole.Heading, new() { Name = text["list.title"], Level = 1 })).ToBeVisibleAsync();
            await fan.SignInAsync($"browser-{Guid.NewGuid():N}@example.com", "Minji Kim", lang);

            await fan.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
            await Expect(fan).ToHaveURLAsync(new Regex($"/concerts/{concertId}$"));
            await Expect(fan.Locator(".section .price")).ToHaveTextAsync(Krw(45_000, lang));

            await fan.Seat("A-2").ClickAsync();
            await Expect(fan.Locator("#selection")).ToContainTextAsync("A-2");
            await fan.Button(text["book.hold"]).ClickAsync();
            await Expect(fan.Locator("#timer")).ToHaveTextAsync(new Regex(@"^0[0-4]:[0-5]\d$"));
            await Expect(fan.Seat("A-2")).ToHaveAccessibleNameAsync($"A-2 {text["seat.mine"]}");
            await Expect(watcher.Seat("A-2")).ToHaveAccessibleNameAsync($"A-2 {text["seat.held"]}");

            // A new fan has no points: the problem is shown next to the action, in the page's language.
            await fan.Button(text["book.pay"]).ClickAsync();
            await Expect(fan.Locator("#book-msg")).ToHaveTextAsync(text["problem.insufficient-balance"]);

            await fan.GetByLabel(text["balance.amount"]).FillAsync("100000");
            await fan.Button(text["balance.charge"]).ClickAsync();
            await Expect(fan.Locator("#balance")).ToHaveTextAsync(Krw(100_000, lang));

            await fan.Button(text["book.pay"]).ClickAsync();
            await Expect(fan.Locator("#book-msg")).ToHaveTextAsync(string.Format(text["book.paid"], "A-2"));
            await Expect(fan.Locator("#receipt")).ToContainTextAsync(Krw(45_000, lang));
            await Expect(fan.Locator("#balance")).ToHaveTextAsync(Krw(55_000, lang));
            await Expect(fan.Locator("#notes li[data-type=PAYMENT_RECEIPT]")).ToContainTextAsync(text["note.PAYMENT_RECEIPT"]);

            await Expect(watcher.Seat("A-2")).ToHaveAccessibleNameAsync($"A-2 {text["seat.sold"]}");
            await Expect(watcher.Locator("[data-available-text]")).ToHaveTextAsync(string.Format(text["concert.left"], 3, 4));
        });
    }

    [BrowserFact]
    public async Task A_double_click_on_Hold_makes_one_reservation()
    {
        var text = Text("en");
        var email = $"double-{Guid.NewGuid():N}@example.com";
        var (concertId, _) = await App.CreateConcertAsync("Double Click Night", seats: 4);
        await using var session = new BrowserSession(browser, App, output);
        await session.RunAsync(async () =>
        {
            var fan = await session.OpenAsync($"/concerts/{concertId}");
            await fan.SignInAsync(email, "Double Clicker");
            await fan.Seat("A-3").ClickAsync();
            await fan.Button(text["book.hold"]).DblClickAsync();
            await Expect(fan.Locator("#held-box")).ToBeVisibleAsync();

            var reservations = await LiveApp.ReservationsAsync(await App.SignInAsync(email));
            Assert.Single(reservations);
            await Expect(fan.Locator("#book-msg")).ToBeEmptyAsync();
        });
    }

    [BrowserFact]
    public async Task The_fourth_seat_sold_sells_the_concert_out_and_a_waiting_fan_is_told_without_reloading()
    {
        var text = Text("en");
        var name = $"Sell-out Night {Guid.NewGuid():N}"[..20];
        var (concertId, seats) = await App.CreateConcertAsync(name, seats: 4);
        await using var session = new BrowserSession(browser, App, output);
        await session.RunAsync(async () =>
        {
            var waiter = await session.OpenAsync($"/concerts/{concertId}");
            await waiter.SignInAsync($"waiter-{Guid.NewGuid():N}@example.com", "Jisoo Park");
            await waiter.Button(text["wait.join"]).ClickAsync();
            await Expect(waiter.Locator("#wait-state")).ToHaveTextAsync(text["wait.on"]);
            await waiter.GetByRole(AriaRole.Link, new() { Name = text["nav.me"] }).ClickAsync();
            await Expect(waiter.Locator("#waitlists")).ToContainTextAsync(name);

            var others = await App.SignInAsync($"others-{Guid.NewGuid():N}@example.com");
            foreach (var seat in seats[..3])
            {
                await LiveApp.BuyAsync(others, concertId, seat);
            }

            var buyer = await session.OpenAsync($"/concerts/{concertId}");
            await buyer.SignInAsync($"last-{Guid.NewGuid():N}@example.com", "Hyun Lee");
            await buyer.GetByLabel(text["balance.amount"]).FillAsync("45000");
            await buyer.Button(text["balance.charge"]).ClickAsync();
            await Expect(buyer.Locator("#balance")).ToHaveTextAsync(Krw(45_000, "en"));
            await buyer.Seat("A-4").ClickAsync();
            await buyer.Button(text["book.hold"]).ClickAsync();
            await buyer.Button(text["book.pay"]).ClickAsync();

            await Expect(buyer.Locator("[data-status]")).ToHaveTextAsync(text["status.SOLD_OUT"]);
            await Expect(waiter.Locator("#notes li[data-type=CONCERT_SOLD_OUT]")).ToContainTextAsync(name);

            var list = await session.OpenAsync("/");
            await Expect(list.Locator(".card", new() { Has = list.GetByRole(AriaRole.Link, new() { Name = name }) }).Locator("[data-status]"))
                .ToHaveTextAsync(text["status.SOLD_OUT"]);

            // On the sold-out concert, joining again is answered at once: nothing is left to wait for.
            await buyer.Button(text["wait.join"]).ClickAsync();
            await Expect(buyer.Locator("#wait-msg")).ToHaveTextAsync(text["problem.concert-sold-out"]);
        });
    }
}
