using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using ConcertBooking.Storefront.Localization;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ConcertBooking.Browser.Tests.Support;

/// <summary>
/// The browser contexts of one test (each a separate fan with its own session storage). A scenario run through
/// <see cref="RunAsync"/> that fails leaves a screenshot of every open page in the test output folder.
/// </summary>
public sealed class BrowserSession(BrowserFixture browser, LiveApp app, ITestOutputHelper output) : IAsyncDisposable
{
    public static readonly string ScreenshotDirectory = Path.Combine(AppContext.BaseDirectory, "screenshots");

    private readonly List<IBrowserContext> _contexts = [];

    /// <summary>Opens <paramref name="path"/> as a new fan whose browser asks for <paramref name="lang"/>.</summary>
    public async Task<IPage> OpenAsync(string path, string lang = "en", ViewportSize? viewport = null, bool javaScript = true)
    {
        var context = await browser.Browser.NewContextAsync(new()
        {
            BaseURL = app.BaseAddress.ToString(),
            Locale = lang == "ko" ? "ko-KR" : "en-US",
            ViewportSize = viewport ?? BrowserFixture.Desktop,
            JavaScriptEnabled = javaScript,
        });
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        return page;
    }

    public async Task RunAsync(Func<Task> scenario, [CallerMemberName] string test = "")
    {
        try
        {
            await scenario();
        }
        catch
        {
            await SaveScreenshotsAsync(test);
            throw;
        }
    }

    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(ScreenshotDirectory, name + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        return path;
    }

    private async Task SaveScreenshotsAsync(string test)
    {
        var pages = _contexts.SelectMany(c => c.Pages).ToList();
        for (var i = 0; i < pages.Count; i++)
        {
            try
            {
                output.WriteLine($"screenshot: {await ScreenshotAsync(pages[i], $"{test}-{DateTime.UtcNow:HHmmss}-{i + 1}")}");
            }
            catch (PlaywrightException ex)
            {
                output.WriteLine($"no screenshot of page {i + 1}: {ex.Message}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }
    }
}

/// <summary>What a fan does and sees on the pages, by role and accessible name as a screen reader would.</summary>
public static class FanSteps
{
    public static IReadOnlyDictionary<string, string> Text(string lang) => lang == "ko" ? UiText.Ko : UiText.En;

    public static string Krw(long amount, string lang) => Formats.Krw(amount, new System.Globalization.CultureInfo(lang));

    /// <summary>The seat whose accessible name starts with <paramref name="label"/> (A-1, not A-10).</summary>
    public static ILocator Seat(this IPage page, string label) =>
        page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^" + Regex.Escape(label) + "( |$)") });

    public static ILocator Button(this IPage page, string name) => page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    public static async Task SignInAsync(this IPage page, string email, string name, string lang = "en")
    {
        var text = Text(lang);
        await page.GetByRole(AriaRole.Link, new() { Name = text["nav.signin"], Exact = true }).ClickAsync();
        await page.GetByLabel(text["signin.email"]).FillAsync(email);
        await page.GetByLabel(text["signin.name"]).FillAsync(name);
        await page.Button(text["signin.submit"]).ClickAsync();
        await Assertions.Expect(page.Locator("#who")).ToHaveTextAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, text["signin.as"], name));
    }
}
