using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using ConcertBooking.Browser.Tests.Support;
using ConcertBooking.Pipeline.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ConcertBooking.Browser.Tests;

/// <summary>An app of its own mailing to a loopback SMTP server that the test can make refuse mail; retries are
/// quick so a dead letter comes within seconds, and the redelivery sweep waits long enough never to send it.</summary>
public sealed class MailingApp : IAsyncLifetime
{
    public MailingApp()
    {
        Smtp = new SmtpTestServer();
        App = new LiveApp(new Dictionary<string, string>
        {
            ["Notifications:Smtp:Host"] = "127.0.0.1",
            ["Notifications:Smtp:Port"] = Smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Notifications:Smtp:From"] = "ConcertBooking <tickets@concertbooking.dev>",
            ["Notifications:Smtp:Tls"] = "None",
            ["Kafka:Retry:Backoff"] = "00:00:00.200",
            ["Notifications:Smtp:RedeliveryInterval"] = "00:00:00.200",
            ["Notifications:Smtp:RedeliverAfter"] = "00:05:00",
        }).Start();
    }

    public SmtpTestServer Smtp { get; }

    public LiveApp App { get; }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        App.Dispose();
        await Smtp.DisposeAsync();
    }
}

/// <summary>A mail that could not be sent while the mail server was down, redriven from the console.</summary>
[Collection(BrowserCollection.Name)]
public sealed class MailRedriveTests(BrowserFixture browser, MailingApp fixture, ITestOutputHelper output) : IClassFixture<MailingApp>
{
    private LiveApp App => fixture.App;

    [BrowserFact]
    public async Task A_hold_dead_lettered_while_the_mail_server_was_down_is_redriven_and_mailed_once()
    {
        var email = $"mail-outage-{Guid.NewGuid():N}@example.com";
        var (concertId, seats) = await App.CreateConcertAsync("Mail Outage Night", seats: 2);
        var fan = await App.SignInAsync(email);
        var admin = await App.SignInAsync("admin@example.com", "Box Office");
        var key = "";
        fixture.Smtp.Failing = true;
        try
        {
            var held = await fan.PostAsJsonAsync("/api/reservations", new { concertId, seatId = seats[0] });
            held.EnsureSuccessStatusCode();
            key = $"reservation-{(await held.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64()}";
            await LiveApp.WaitForAsync(admin, "/api/admin/dead-letters?group=notification-service", page =>
                page.GetProperty("items").EnumerateArray().Any(l => l.GetProperty("key").GetString() == key));
        }
        finally
        {
            fixture.Smtp.Failing = false;
        }

        Assert.Empty(fixture.Smtp.To(email));
        await using var session = new BrowserSession(browser, App, output);
        await session.RunAsync(async () =>
        {
            var page = await session.OpenAsync("/ops/dead-letters");
            await page.SignInAsOperatorAsync("admin@example.com");
            var letter = page.Locator(".dead-letter", new() { HasText = key });
            await Expect(letter).ToHaveCountAsync(1);
            await Expect(letter).ToContainTextAsync("notification-service");
            await Expect(letter).ToContainTextAsync("Attempts");

            await letter.GetByRole(AriaRole.Button, new() { Name = "Redrive", Exact = true }).ClickAsync();
            await Expect(page.Locator("#dlt-msg")).ToHaveTextAsync("Redriven: 1 (1 published, 0 skipped).");
            await Expect(letter).ToHaveCountAsync(0);
            await Expect(page.Locator("#audit tbody tr", new() { HasText = "redrive" }).First).ToContainTextAsync("admin");

            await page.GetByLabel("State").SelectOptionAsync("REDRIVEN");
            await page.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
            await Expect(letter).ToContainTextAsync("REDRIVEN by admin");
        });

        // Mailed once: the notification group sent it, and the groups that had handled the event skipped it.
        await LiveApp.WaitForAsync(fan, "/api/me/notifications", list => list.EnumerateArray().Any(n => n.TryGetProperty("deliveredAt", out var at) && at.ValueKind == JsonValueKind.String));
        await LiveApp.WaitForAsync(admin, "/api/admin/groups", groups => groups.EnumerateArray().All(g => g.GetProperty("totalLag").GetInt64() == 0));
        var mail = Assert.Single(fixture.Smtp.To(email));
        Assert.StartsWith("Seat held: Mail Outage Night", mail.Message.Subject, StringComparison.Ordinal);
    }
}
