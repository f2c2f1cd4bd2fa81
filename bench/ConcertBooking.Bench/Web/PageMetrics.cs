using Microsoft.Playwright;

namespace ConcertBooking.Bench.Web;

/// <summary>One cold load of a page: bytes on the wire (all requests, compressed as sent) and paint / ready times.</summary>
public sealed record PageLoad(long Bytes, long UncompressedBytes, int Requests, double FirstContentfulPaintMs, double InteractiveMs);

/// <summary>
/// Loads pages in headless Chromium, each time in a fresh context (empty cache). "Interactive" is the page's own
/// signal: the list once its scripts have run (DOMContentLoaded: they are deferred), the seat map once its first live
/// snapshot is applied (the <c>seatmap-live</c> mark).
/// </summary>
public sealed class PageMetrics(IBrowser browser, Uri baseAddress)
{
    public static async Task<(IPlaywright, IBrowser)> LaunchAsync(string chromium)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true });
        return (playwright, browser);
    }

    public async Task<PageLoad> LoadAsync(string path, string? readyMark)
    {
        await using var context = await browser.NewContextAsync(new() { BaseURL = baseAddress.ToString(), Locale = "ko-KR" });
        var page = await context.NewPageAsync();
        var responses = new List<IResponse>();
        page.Response += (_, response) =>
        {
            lock (responses)
            {
                responses.Add(response);
            }
        };
        await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Load });
        var interactive = readyMark is null
            ? await page.EvaluateAsync<double>("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
            : await WaitForMarkAsync(page, readyMark);
        IResponse[] untilInteractive;
        lock (responses)
        {
            // The seat map keeps polling; a first visit needs the page, its scripts and styles and one snapshot.
            untilInteractive = [.. responses];
        }

        var paint = await page.EvaluateAsync<double>(
            "new Promise(r => { const f = () => { const e = performance.getEntriesByName('first-contentful-paint')[0]; e ? r(e.startTime) : setTimeout(f, 20); }; f(); })");

        long bytes = 0, uncompressed = 0;
        var counted = 0;
        foreach (var response in untilInteractive.Where(r => r.Request.Url.StartsWith(baseAddress.ToString(), StringComparison.Ordinal)))
        {
            var sizes = await response.Request.SizesAsync();
            bytes += sizes.ResponseBodySize + sizes.ResponseHeadersSize;
            uncompressed += (await response.BodyAsync()).Length;
            counted++;
        }

        return new PageLoad(bytes, uncompressed, counted, paint, interactive);
    }

    private static async Task<double> WaitForMarkAsync(IPage page, string mark)
    {
        await page.WaitForFunctionAsync($"performance.getEntriesByName('{mark}').length > 0", null, new() { Timeout = 60_000 });
        return await page.EvaluateAsync<double>($"performance.getEntriesByName('{mark}')[0].startTime");
    }
}
