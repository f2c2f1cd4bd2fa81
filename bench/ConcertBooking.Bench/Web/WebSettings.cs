using ConcertBooking.Bench.Cli;

namespace ConcertBooking.Bench.Web;

/// <summary>The options of the <c>web</c> command.</summary>
public sealed record WebSettings(
    IReadOnlyList<int> Watchers, int Clients, TimeSpan Duration, TimeSpan Warmup, TimeSpan Poll, int Seats, int PageRuns, string Chromium)
{
    public const string Usage = """
        Usage: web [options]

        Starts the API (SQLite) and measures the fans' web app: page weight and time to first render / interactive of
        the concert list and of a large concert's seat map in headless Chromium; then holds at the booking benchmark's
        concurrency while W fans watch the seat map live, one phase per W, with W = 0 as the baseline of the same run.

        Options:
          --watchers LIST   Watcher counts, one phase each (default 0,250,1000,2000).
          --clients N       Concurrent hold clients, as in the booking benchmark (default 64).
          --duration T      Measured time per phase (default 15s).
          --warmup T        Unmeasured load before each phase (default 3s).
          --poll T          How often a watcher polls, as the page does (default 1.5s).
          --seats N         Seats of the measured concert (default 20000).
          --page-runs N     Cold page loads per page, medians reported (default 5).
          --chromium PATH   Chromium executable (default /usr/bin/chromium).
        """;

    public static WebSettings Parse(IReadOnlyList<string> args)
    {
        var options = new OptionReader(args);
        var watchers = (options.String("watchers") ?? "0,250,1000,2000").Split(',')
            .Select(w => int.TryParse(w, out var n) && n is >= 0 and <= 20_000 ? n : throw new UsageException($"--watchers: '{w}' is not a count 0..20000."))
            .ToList();
        var clients = options.Int("clients", 64, 1, 1024);
        var duration = options.Duration("duration", TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        var warmup = options.Duration("warmup", TimeSpan.FromSeconds(3), TimeSpan.Zero, TimeSpan.FromMinutes(10));
        var poll = options.Duration("poll", TimeSpan.FromSeconds(1.5), TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        var seats = options.Int("seats", 20_000, 100, Domain.Concerts.Concert.MaxSeats);
        var pageRuns = options.Int("page-runs", 5, 1, 100);
        var chromium = options.String("chromium") ?? "/usr/bin/chromium";
        options.EnsureAllConsumed();
        return new WebSettings(watchers, clients, duration, warmup, poll, seats, pageRuns, chromium);
    }
}
