using ConcertBooking.Bench.Cli;
using ConcertBooking.Domain.Concerts;
using ConcertBooking.Infrastructure;

namespace ConcertBooking.Bench.Booking;

public enum BenchProvider
{
    Sqlite,
    Postgres,
}

/// <summary>The options of the <c>booking</c> command.</summary>
public sealed record BookingSettings(
    BenchProvider Provider,
    int Clients,
    TimeSpan Duration,
    TimeSpan Warmup,
    int Seats,
    int RawSeats,
    double MaxFill,
    bool Raw,
    Uri? Url,
    string? Connection,
    SqliteSynchronous Synchronous)
{
    /// <summary>The client count the latency target is defined at.</summary>
    public const int TargetClients = 64;

    public const string Usage = """
        Usage: booking [options]

        Drives C concurrent clients holding random seats of one large concert over real HTTP, then issues the same hold
        transaction straight through ADO.NET with the same concurrency, and compares the two.

        Options:
          --provider sqlite|postgres  Database of the API it starts (default sqlite). PostgreSQL: a fresh database on the
                                      server in CONCERTBOOKING_BENCH_POSTGRES (default
                                      Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres), dropped at the end.
          --clients N                 Concurrent clients (default 64).
          --duration T                Measured time per phase, e.g. 20s, 1m (default 20s).
          --warmup T                  Unmeasured load before each phase (default 3s).
          --seats N                   Seats of the concert the API phase holds (default 100000, like the raw phase).
          --raw-seats N               Seats of the concert the raw ADO.NET phase holds (default 100000, the maximum).
          --max-fill F                Stop a phase early once this fraction of its seats is held (default 0.5): random
                                      picks in a nearly full hall measure conflicts, not holds.
          --raw yes|no                Run the raw ADO.NET phase (default yes); 'no' for quick API-only comparisons.
          --sqlite-synchronous full|normal
                                      SQLite: the API's Database:Sqlite:Synchronous, also used by the raw phase
                                      (default full, the API's default).
          --url URL                   Target a running API instead of starting one.
          --connection CS             With --url: the API's database (SQLite 'Data Source=...' or a PostgreSQL connection
                                      string), for the oversold check and the raw phase. Without it both are skipped.
        """;

    public static BookingSettings Parse(IReadOnlyList<string> args)
    {
        var options = new OptionReader(args);
        var provider = options.Enum("provider", BenchProvider.Sqlite);
        var clients = options.Int("clients", TargetClients, 1, 1024);
        var duration = options.Duration("duration", TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        var warmup = options.Duration("warmup", TimeSpan.FromSeconds(3), TimeSpan.Zero, TimeSpan.FromMinutes(10));
        var seats = options.Int("seats", Concert.MaxSeats, 100, Concert.MaxSeats);
        var rawSeats = options.Int("raw-seats", Concert.MaxSeats, 100, Concert.MaxSeats);
        var maxFill = options.Double("max-fill", 0.5, 0.01, 1.0);
        var raw = options.String("raw") switch
        {
            null or "yes" => true,
            "no" => false,
            var other => throw new UsageException($"--raw must be yes or no, not '{other}'."),
        };
        Uri? url = null;
        if (options.String("url") is { } urlText)
        {
            url = Uri.TryCreate(urlText, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"
                ? parsed
                : throw new UsageException($"--url must be an absolute http(s) URL, not '{urlText}'.");
        }

        var synchronous = options.Enum("sqlite-synchronous", SqliteSynchronous.Full);
        var connection = options.String("connection");
        if (connection is not null && url is null)
        {
            throw new UsageException("--connection is only for --url; without --url the benchmark makes its own database.");
        }

        options.EnsureAllConsumed();
        return new BookingSettings(provider, clients, duration, warmup, seats, rawSeats, maxFill, raw, url, connection, synchronous);
    }
}
