using Microsoft.Playwright;

namespace ConcertBooking.Browser.Tests.Support;

/// <summary>One headless Chromium for the whole run; each test opens its own contexts (separate sessions).</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 900 };
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException(Chromium.SkipReason ?? "The browser has not started.");

    public async Task InitializeAsync()
    {
        if (Chromium.SkipReason is not null)
        {
            return;
        }

        // A loaded machine (CI, several builds at once) can take a while to settle a page; waits stay conditions.
        Assertions.SetDefaultExpectTimeout(30_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium.ExecutablePath, Headless = true });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>, ICollectionFixture<AppFixture>
{
    /// <summary>Browser tests run one at a time: each drives a browser and a whole app on a shared machine.</summary>
    public const string Name = "browser";
}
