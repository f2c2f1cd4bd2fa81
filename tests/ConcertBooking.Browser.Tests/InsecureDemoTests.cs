using ConcertBooking.Browser.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static ConcertBooking.Browser.Tests.Support.FanSteps;
using static Microsoft.Playwright.Assertions;

namespace ConcertBooking.Browser.Tests;

/// <summary>An app run outside Development with demo sign-in allowed on purpose (Auth:AllowInsecureDevTokens).</summary>
public sealed class InsecureDemoApp() : ConfiguredApp(new Dictionary<string, string>
{
    ["environment"] = "Production",
    ["Auth:AllowInsecureDevTokens"] = "true",
});

[Collection(BrowserCollection.Name)]
public sealed class InsecureDemoTests(BrowserFixture browser, InsecureDemoApp fixture, ITestOutputHelper output) : IClassFixture<InsecureDemoApp>
{
    [BrowserFact]
    public async Task Outside_development_every_page_warns_that_anyone_can_sign_in_as_anyone()
    {
        await using var session = new BrowserSession(browser, fixture.App, output);
        await session.RunAsync(async () =>
        {
            foreach (var lang in new[] { "en", "ko" })
            {
                foreach (var path in new[] { "/", "/signin", "/me" })
                {
                    var page = await session.OpenAsync(path, lang);
                    await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = Text(lang)["banner.insecure"] })).ToBeVisibleAsync();
                }
            }
        });
    }
}
