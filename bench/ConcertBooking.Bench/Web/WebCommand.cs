using System.Globalization;
using ConcertBooking.Bench.Booking;
using ConcertBooking.Bench.Cli;
using ConcertBooking.Bench.Measurement;

namespace ConcertBooking.Bench.Web;

/// <summary>
/// <c>web</c>: the fans' pages in headless Chromium (weight, first render, interactive), then holds at the booking
/// benchmark's concurrency with 0..W fans watching the seat map live; the hold p99 of each phase beside W = 0's.
/// </summary>
public sealed class WebCommand : ICommand
{
    public string Name => "web";

    public string Summary => "Web app: page weight and render times in Chromium; live seat-map watchers under hold load.";

    public string Usage => WebSettings.Usage;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var settings = WebSettings.Parse(args);
        var machine = MachineInfo.Read();
        var runId = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        Console.WriteLine($"ConcertBooking web benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"  machine   {machine.Cores} cores, {machine.CpuModel}; load average {machine.LoadAverage} at start");
        if (ApiHost.IsDebugBuild)
        {
            Console.WriteLine("  WARNING   the API is a Debug build; run with -c Release for figures worth keeping.");
        }

        var booking = new BookingSettings(BenchProvider.Sqlite, settings.Clients, settings.Duration, settings.Warmup, settings.Seats, 0, 0.9, false, null, null, SqliteSynchronous.Full);
        await using var database = await BenchDatabase.CreateFreshAsync(booking, cancellationToken);
        var logPath = Path.Combine(Path.GetTempPath(), $"concertbooking-bench-web-{runId}.log");
        await using var host = await ApiHost.StartAsync(database, logPath, cancellationToken);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = settings.Clients, UseProxy = false, UseCookies = false })
        { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var api = new BookingApiClient(http);
        var admin = await api.SignInAsync(BookingApiClient.AdminEmail, "Box Office", cancellationToken);

        var pageConcert = await api.CreateConcertAsync(admin.AccessToken, $"Web {runId}", settings.Seats, cancellationToken);
        var (playwright, browser) = await PageMetrics.LaunchAsync(settings.Chromium);
        try
        {
            var pages = new PageMetrics(browser, host.BaseAddress);
            Console.WriteLine();
            Console.WriteLine($"| page | bytes transferred | uncompressed | requests | first contentful paint ms | interactive ms |");
            Console.WriteLine("|---|---|---|---|---|---|");
            foreach (var (name, path, mark) in new[] { ("concert list", "/", (string?)null), ($"seat map, {settings.Seats:N0} seats", $"/concerts/{pageConcert.Id}", "seatmap-live") })
            {
                var loads = new List<PageLoad>();
                for (var i = 0; i < settings.PageRuns; i++)
                {
                    loads.Add(await pages.LoadAsync(path, mark));
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {Median(loads, l => l.Bytes):N0} | {Median(loads, l => l.UncompressedBytes):N0} | {loads[0].Requests} | {Median(loads, l => l.FirstContentfulPaintMs):0} | {Median(loads, l => l.InteractiveMs):0} |"));
            }
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }

        var fans = new List<BenchFan>();
        for (var i = 0; i < settings.Clients; i++)
        {
            var token = await api.SignInAsync($"web-{runId}-fan{i}@example.com", $"Fan {i}", cancellationToken);
            fans.Add(new BenchFan(token.UserId, $"web-{runId}-fan{i}@example.com", token.AccessToken));
        }

        Console.WriteLine();
        Console.WriteLine("| watchers | holds/s | hold p50 ms | hold p99 ms | p99 / baseline | polls/s | poll p50 ms | poll p99 ms | 200s (changed) | bytes/poll | poll errors | hold errors | CPU |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        double? baseline = null;
        foreach (var watchers in settings.Watchers)
        {
            var concert = await api.CreateConcertAsync(admin.AccessToken, $"Web {runId} W{watchers}", settings.Seats, cancellationToken);
            var seatIds = await api.SeatIdsAsync(concert.Id, cancellationToken);
            var watching = new SeatMapWatchers(host.BaseAddress, concert.Id, watchers, settings.Poll).RunAsync(settings.Warmup, settings.Duration, cancellationToken);
            var holds = await new BookingBenchmark(booking, () => host.CpuTime(), null).RunAsync(http, fans, concert.Id, seatIds, cancellationToken);
            var watched = await watching;
            var p99 = holds.Measured.P99.TotalMilliseconds;
            baseline ??= watchers == 0 ? p99 : null;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {watchers:N0} | {holds.Measured.HeldPerSecond:0} | {holds.Measured.P50.TotalMilliseconds:0.0} | {p99:0.0} | {(baseline is { } b ? (p99 / b).ToString("0.00", CultureInfo.InvariantCulture) : "-")} | {watched.PollsPerSecond:0} | {watched.P50.TotalMilliseconds:0.0} | {watched.P99.TotalMilliseconds:0.0} | {watched.Changed:N0} | {(watched.Polls > 0 ? watched.Bytes / watched.Polls : 0):N0} | {watched.Errors} | {holds.Measured.Errors} | {holds.Cpu} |"));
        }

        Console.WriteLine($"  load average {MachineInfo.ReadLoadAverage()} at the end; API log {logPath}");
        return 0;
    }

    private static double Median(List<PageLoad> loads, Func<PageLoad, double> value)
    {
        var sorted = loads.Select(value).Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
