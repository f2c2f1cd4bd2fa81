using System.Text.RegularExpressions;
using ConcertBooking.Browser.Tests.Support;
using Deque.AxeCore.Playwright;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ConcertBooking.Browser.Tests;

/// <summary>The operators' console at <c>/ops</c>, driven as an operator would.</summary>
[Collection(BrowserCollection.Name)]
public sealed class OpsConsoleTests(BrowserFixture browser, AppFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] Groups = ["data-platform", "notification-service", "ranking-service"];

    private LiveApp App => fixture.App;

    [BrowserFact]
    public async Task An_admin_signs_in_and_sees_three_brokers_up_and_the_three_groups_at_lag_0()
    {
        var (concertId, seats) = await App.CreateConcertAsync("Ops Night", seats: 4);
        await LiveApp.BuyAsync(await App.SignInAsync($"ops-fan-{Guid.NewGuid():N}@example.com"), concertId, seats[0]);
        await using var session = new BrowserSession(browser, App, output);
        await session.RunAsync(async () =>
        {
            var page = await session.OpenAsync("/ops/groups");
            await Expect(page).ToHaveURLAsync(new Regex("/ops/signin\\?returnUrl="));
            await page.SignInAsOperatorAsync("admin@example.com");
            await Expect(page).ToHaveURLAsync(new Regex("/ops/groups$"));

            foreach (var group in Groups)
            {
                var section = page.Locator($"#group-{group}");
                await Expect(section.GetByTestId("lag")).ToHaveTextAsync("0 records");
                await Expect(section.GetByTestId("state")).ToHaveTextAsync("Running");
            }

            await Expect(page.Locator(".chart canvas").First).ToBeVisibleAsync();
            await AssertAccessibleAsync(page);

            await page.GetByRole(AriaRole.Link, new() { Name = "Cluster", Exact = true }).ClickAsync();
            await Expect(page.Locator("#brokers-up")).ToHaveTextAsync("3 of 3");
            await Expect(page.Locator("#brokers tbody tr")).ToHaveCountAsync(3);
            await Expect(page.Locator("#brokers")).Not.ToContainTextAsync("Down");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "reservation-events", Exact = true })).ToBeVisibleAsync();
            await AssertAccessibleAsync(page);

            await page.GetByRole(AriaRole.Link, new() { Name = "Outbox", Exact = true }).ClickAsync();
            await Expect(page.GetByTestId("backlog")).ToHaveTextAsync("0 rows");
            await Expect(page.GetByTestId("lease")).Not.ToHaveTextAsync("not taken");
            await AssertAccessibleAsync(page);
        });
    }

    [BrowserFact]
    public async Task A_fan_cannot_use_the_console()
    {
        await using var session = new BrowserSession(browser, App, output);
        await session.RunAsync(async () =>
        {
            var page = await session.OpenAsync("/ops");
            await page.GetByLabel("Email").FillAsync($"ops-intruder-{Guid.NewGuid():N}@example.com");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("is not an admin");
            await Expect(page).ToHaveURLAsync(new Regex("/ops/signin"));

            // Even with a fan's token in the session cookie, every page answers 403.
            var fan = await App.SignInAsync($"ops-cookie-{Guid.NewGuid():N}@example.com");
            var token = fan.DefaultRequestHeaders.Authorization!.Parameter;
            var stored = await page.APIRequest.PostAsync("/ops/session", new() { DataObject = new { accessToken = token } });
            Assert.Equal(204, stored.Status);
            foreach (var path in new[] { "/ops", "/ops/groups", "/ops/outbox", "/ops/fault-lab", "/ops/messages", "/ops/dead-letters" })
            {
                var response = await page.GotoAsync(path);
                Assert.Equal(403, response!.Status);
                await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Operators only" })).ToBeVisibleAsync();
            }
        });
    }

    [BrowserFact]
    public async Task A_poison_record_produced_with_the_Confluent_client_appears_in_Dead_letters_and_is_discarded()
    {
        var key = $"poison-{Guid.NewGuid():N}";
        using (var producer = new Confluent.Kafka.ProducerBuilder<string, string>(new Confluent.Kafka.ProducerConfig
        {
            BootstrapServers = App.Services.GetRequiredService<ConcertBooking.Messaging.KafkaConnection>().BootstrapServers,
        }).Build())
        {
            await producer.ProduceAsync("reservation-events", new() { Key = key, Value = "{ this is not an event" });
        }

        await using var session = new BrowserSession(browser, App, output);
        await session.RunAsync(async () =>
        {
            var page = await session.OpenAsync("/ops/dead-letters");
            await page.SignInAsOperatorAsync("admin@example.com");
            page.Dialog += (_, dialog) => dialog.AcceptAsync();
            var letters = page.Locator(".dead-letter", new() { HasText = key });
            await Expect(letters).ToHaveCountAsync(3, new() { Timeout = 60_000 });
            await Expect(letters.First).ToContainTextAsync("reservation-events [");
            await Expect(letters.First).ToContainTextAsync("Attempts");

            await page.GetByRole(AriaRole.Link, new() { Name = "Messages", Exact = true }).ClickAsync();
            await page.GetByLabel("Key").FillAsync(key);
            await page.GetByRole(AriaRole.Button, new() { Name = "Browse" }).ClickAsync();
            await Expect(page.Locator("#records .record")).ToHaveCountAsync(1);
            await Expect(page.Locator("#records .record")).ToContainTextAsync(key);
            await AssertAccessibleAsync(page);

            await page.GetByRole(AriaRole.Link, new() { Name = "Dead letters", Exact = true }).ClickAsync();
            await Expect(letters).ToHaveCountAsync(3);
            foreach (var box in await letters.Locator("input.pick").AllAsync())
            {
                await box.CheckAsync();
            }

            await page.GetByRole(AriaRole.Button, new() { Name = "Discard selected" }).ClickAsync();
            await Expect(page.Locator("#dlt-msg")).ToHaveTextAsync("Discarded: 3.");
            await Expect(letters).ToHaveCountAsync(0);
            await Expect(page.Locator("#audit tbody tr", new() { HasText = "discard" }).First).ToContainTextAsync("admin");
            await AssertAccessibleAsync(page);
        });
    }

    private static async Task AssertAccessibleAsync(IPage page)
    {
        var serious = (await page.RunAxe()).Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(
            serious.Count == 0,
            $"{page.Url}: " + string.Join("; ", serious.Select(v => $"{v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target))}")));
    }
}

/// <summary>What an operator does on the console.</summary>
public static class OperatorSteps
{
    public static async Task SignInAsOperatorAsync(this IPage page, string email)
    {
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Name").FillAsync("Operator");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }
}
