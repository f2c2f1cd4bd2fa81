using ConcertBooking.Browser.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static ConcertBooking.Browser.Tests.Support.FanSteps;
using static Microsoft.Playwright.Assertions;

namespace ConcertBooking.Browser.Tests;

/// <summary>An app whose tokens come from an external OpenID Connect issuer (never contacted by these pages).</summary>
public sealed class ExternalIdentityApp() : ConfiguredApp(new Dictionary<string, string>
{
    ["Auth:DevTokens"] = "false",
    ["Auth:Authority"] = Authority,
})
{
    public const string Authority = "https://login.example.com/realms/concerts";
}

[Collection(BrowserCollection.Name)]
public sealed class ExternalSignInTests(BrowserFixture browser, ExternalIdentityApp fixture, ITestOutputHelper output) : IClassFixture<ExternalIdentityApp>
{
    [BrowserFact]
    public async Task Without_dev_tokens_the_sign_in_page_says_an_external_identity_provider_is_configured()
    {
        await using var session = new BrowserSession(browser, fixture.App, output);
        await session.RunAsync(async () =>
        {
            var page = await session.OpenAsync("/signin", "ko");
            await Expect(page.Locator("#external-idp")).ToHaveTextAsync(string.Format(Text("ko")["signin.external"], ExternalIdentityApp.Authority));
            await Expect(page.GetByLabel(Text("ko")["signin.email"])).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = Text("ko")["signin.title"] })).ToBeVisibleAsync();
        });
    }
}
