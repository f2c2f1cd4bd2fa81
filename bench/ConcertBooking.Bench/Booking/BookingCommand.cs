using System.Globalization;
using System.Net;
using ConcertBooking.Api.Features.Concerts;
using ConcertBooking.Bench.Cli;
using ConcertBooking.Bench.Measurement;

namespace ConcertBooking.Bench.Booking;

/// <summary>
/// <c>booking</c>: start the API (or use <c>--url</c>), create a concert and C fans, measure holds over HTTP, stop the
/// API, check the database for overselling, measure the same hold transaction through ADO.NET, report.
/// </summary>
public sealed class BookingCommand : ICommand
{
    public string Name => "booking";

    public string Summary => "Seat holds over HTTP vs. the raw database hold transaction; oversold check.";

    public string Usage => BookingSettings.Usage;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var settings = BookingSettings.Parse(args);
        var machine = MachineInfo.Read();
        var runId = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        Console.WriteLine($"ConcertBooking booking benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"  machine   {machine.Cores} cores, {machine.CpuModel}; load average {machine.LoadAverage} at start");
        if (ApiHost.IsDebugBuild)
        {
            Console.WriteLine("  WARNING   the API is a Debug build; run with -c Release for figures worth keeping.");
        }

        if (machine.Cores > 0 && MachineInfo.ReadLoadAverage1() > 0.5 * machine.Cores)
        {
            Console.WriteLine("  WARNING   the machine is already busy; figures will be low. Re-run when it is idle.");
        }

        await using var database = settings.Url is null
            ? await BenchDatabase.CreateFreshAsync(settings, cancellationToken)
            : settings.Connection is { } connection ? BenchDatabase.Attach(settings, connection) : null;
        ApiHost? host = null;
        var logPath = Path.Combine(Path.GetTempPath(), $"concertbooking-bench-api-{runId}.log");
        try
        {
            if (settings.Url is null)
            {
                Log($"starting the API on {database!.Description} ...");
                host = await ApiHost.StartAsync(database, logPath, cancellationToken);
            }

            var baseAddress = settings.Url ?? host!.BaseAddress;
            Log($"API at {baseAddress} ({(host is null ? "given by --url" : $"child process {host.ProcessId}, log {logPath}")})");
            using var http = CreateHttpClient(baseAddress, settings.Clients);
            var api = new BookingApiClient(http);

            var admin = await api.SignInAsync(BookingApiClient.AdminEmail, "Box Office", cancellationToken);
            var concert = await TimedAsync(
                $"creating the API phase's concert ({settings.Seats:N0} seats)",
                () => api.CreateConcertAsync(admin.AccessToken, $"Bench {runId} (API)", settings.Seats, cancellationToken));
            ConcertDto? rawConcert = null;
            if (database is not null && settings.Raw)
            {
                rawConcert = await TimedAsync(
                    $"creating the raw phase's concert ({settings.RawSeats:N0} seats)",
                    () => api.CreateConcertAsync(admin.AccessToken, $"Bench {runId} (raw)", settings.RawSeats, cancellationToken));
            }

            var fans = new List<BenchFan>(settings.Clients);
            for (var i = 0; i < settings.Clients; i++)
            {
                var email = $"bench-{runId}-fan{i}@example.com";
                var token = await api.SignInAsync(email, $"Bench fan {i}", cancellationToken);
                fans.Add(new BenchFan(token.UserId, email, token.AccessToken));
            }

            var seatIds = await api.SeatIdsAsync(concert.Id, cancellationToken);
            Log($"{fans.Count} fans signed in; API phase: {settings.Clients} clients, {settings.Warmup.TotalSeconds:0.#} s warm-up + {settings.Duration.TotalSeconds:0.#} s ...");
            var apiPhase = await new BookingBenchmark(settings, () => host?.CpuTime(), database?.PostgresDatabaseName).RunAsync(http, fans, concert.Id, seatIds, cancellationToken);

            if (host is not null)
            {
                // Frees the cores (and, on SQLite, the database file) for the raw phase.
                await host.StopAsync();
            }

            IntegrityReport? apiIntegrity = database is null
                ? null
                : await IntegrityCheck.RunAsync(database, concert.Id, apiPhase.TotalHeld, cancellationToken);
            PhaseResult? rawPhase = null;
            IntegrityReport? rawIntegrity = null;
            if (database is not null && rawConcert is not null)
            {
                Log($"raw ADO.NET phase: {settings.Clients} clients, same warm-up and duration ...");
                var rawFans = fans.Select(f => new RawFan(f.UserId, f.Email)).ToList();
                rawPhase = await new RawHoldBenchmark(settings, database).RunAsync(rawFans, rawConcert.Id, rawConcert.Name, cancellationToken);
                rawIntegrity = await IntegrityCheck.RunAsync(database, rawConcert.Id, rawPhase.TotalHeld, cancellationToken);
            }

            var report = new BookingReport(
                settings, machine, database?.Description ?? "unknown (no --connection)", apiPhase, apiIntegrity, seatIds.Length,
                rawPhase, rawIntegrity, rawConcert?.TotalSeats ?? 0);
            report.Print(Console.Out);
            return report.Oversold is null or 0 && rawIntegrity is null or { Oversold: 0 } ? 0 : 1;
        }
        catch (Exception ex) when (host is not null && ex is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"The run failed; the API's log is {logPath}.");
            throw;
        }
        finally
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// One client for setup and load: a connection per concurrent client, kept for the whole run, no proxy, no cookies.
    /// Requests that outlive the timeout count as errors with an unknown outcome (reported as such).
    /// </summary>
    private static HttpClient CreateHttpClient(Uri baseAddress, int clients) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = clients,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };

    private static async Task<T> TimedAsync<T>(string what, Func<Task<T>> action)
    {
        var started = TimeProvider.System.GetTimestamp();
        var result = await action();
        Log($"{what}: {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0.0} s");
        return result;
    }

    private static void Log(string message) => Console.WriteLine($"  [{DateTime.Now:HH:mm:ss}] {message}");
}
