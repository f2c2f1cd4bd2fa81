using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using ConcertBooking.Api.Features.Concerts;
using ConcertBooking.Api.Features.Queue;
using ConcertBooking.Bench.Booking;
using ConcertBooking.Bench.Cli;
using ConcertBooking.Bench.Measurement;

namespace ConcertBooking.Bench.Drop;

/// <summary>
/// <c>drop</c>: a ticket drop through the waiting room. The API starts on a fresh database; N fans sign in; a concert
/// opens a little later with its queue on; half the fans join before opening, the rest right after; every fan polls
/// as Retry-After says and, once admitted, holds 1–4 seats, pays 90 % and cancels the rest, until the concert sells
/// out. Then the database is checked: oversold seats, fans over the limit, the pre-queue draw, FIFO after opening.
/// </summary>
public sealed class DropCommand : ICommand
{
    public string Name => "drop";

    public string Summary => "A ticket drop through the waiting room: sell-out time, admissions/s, latencies, fairness, oversold.";

    public string Usage => """
          --provider sqlite|postgres  Database of the API it starts (default sqlite).
          --fans N                    Fans (default 20000); half join before opening, half after.
          --seats N                   Seats of the concert (default 5000).
          --pre-open T                From the concert's creation to its opening (default 60s): the pre-queue's time.
          --connections N             HTTP connections of all fans together (default 256).
          --timeout T                 Give up after this long from opening (default 10m).
        """;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var options = new OptionReader(args);
        var provider = options.Enum("provider", BenchProvider.Sqlite);
        var fanCount = options.Int("fans", 20_000, 2, 200_000);
        var seatCount = options.Int("seats", 5_000, 100, 100_000);
        var preOpen = options.Duration("pre-open", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(5), TimeSpan.FromHours(1));
        var connections = options.Int("connections", 256, 1, 4096);
        var timeout = options.Duration("timeout", TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(10), TimeSpan.FromHours(2));
        options.EnsureAllConsumed();

        var machine = MachineInfo.Read();
        var runId = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        Console.WriteLine($"ConcertBooking ticket-drop benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC: {fanCount:N0} fans, {seatCount:N0} seats, {provider}");
        Console.WriteLine($"  machine   {machine.Cores} cores, {machine.CpuModel}; load average {machine.LoadAverage} at start");

        await using var database = await BenchDatabase.CreateFreshAsync(provider, cancellationToken);
        var logPath = Path.Combine(Path.GetTempPath(), $"concertbooking-drop-api-{runId}.log");

        // Every fan of the benchmark comes from 127.0.0.1; the per-IP token limit is meant for many fans behind one
        // address, not for twenty thousand.
        await using var host = await ApiHost.StartAsync(database, logPath, cancellationToken, new Dictionary<string, string>
        {
            ["RateLimits:TokensPerIp:PermitLimit"] = "1000000",
        });
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, UseProxy = false })
        {
            BaseAddress = host.BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        var api = new BookingApiClient(http);
        Log($"API at {host.BaseAddress} (child process {host.ProcessId}, log {logPath}); signing in {fanCount:N0} fans ...");

        var admin = await api.SignInAsync(BookingApiClient.AdminEmail, "Box Office", cancellationToken);
        var tokens = new string[fanCount];
        await Parallel.ForEachAsync(Enumerable.Range(0, fanCount), new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken },
            async (i, ct) => tokens[i] = (await api.SignInAsync($"drop-{runId}-fan{i}@example.com", $"Fan {i}", ct)).AccessToken);

        var opensAt = DateTimeOffset.UtcNow + preOpen;
        var concert = await CreateConcertAsync(http, admin.AccessToken, runId, seatCount, opensAt, cancellationToken);
        var seatIds = await api.SeatIdsAsync(concert.Id, cancellationToken);
        Log($"concert {concert.Id} opens at {opensAt:HH:mm:ss} UTC with its queue on (max {concert.Queue!.MaxActiveShoppers} shoppers)");

        var tally = new DropTally();
        var fans = tokens.Select((token, i) => new DropFan(http, token, concert.Id, seatIds, tally, i)).ToArray();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(preOpen + timeout);

        var half = fanCount / 2;
        await JoinAllAsync(fans[..half], stop.Token);
        Log($"{half:N0} fans joined the pre-queue; waiting for the opening second ...");
        var waiting = fans[..half].Select(f => f.WaitAndShopAsync(stop.Token)).ToList();

        await Task.Delay(Max(TimeSpan.Zero, opensAt - DateTimeOffset.UtcNow), stop.Token);
        var cpuAtOpening = host.CpuTime() ?? TimeSpan.Zero;
        var opened = TimeProvider.System.GetTimestamp();
        Log("opened; the other fans join now");
        var late = Task.Run(
            async () =>
            {
                await JoinAllAsync(fans[half..], stop.Token);
                return fans[half..].Select(f => f.WaitAndShopAsync(stop.Token)).ToList();
            },
            stop.Token);

        using var progress = new PeriodicTimer(TimeSpan.FromSeconds(2));
        var all = Task.WhenAll(waiting.Append(late.ContinueWith(t => Task.WhenAll(t.Result), stop.Token).Unwrap()));
        while (!all.IsCompleted && await progress.WaitForNextTickAsync(stop.Token))
        {
            var available = (await http.GetFromJsonAsync<ConcertDto>($"/api/concerts/{concert.Id}", BookingApiClient.Json, stop.Token))!.AvailableSeats;
            Log($"+{TimeProvider.System.GetElapsedTime(opened).TotalSeconds,5:0}s  joined {tally.Joined,6:N0}  admitted {tally.Admitted,6:N0}  "
                + $"held {tally.Holds,6:N0}  paid {tally.Payments,6:N0}  cancelled {tally.Cancels,5:N0}  free seats {available,6:N0}  told closed {tally.Closed,6:N0}");
        }

        await all;
        var elapsed = TimeProvider.System.GetElapsedTime(opened);
        var cpu = (host.CpuTime() ?? TimeSpan.Zero) - cpuAtOpening;
        var peakMemory = PeakMemoryMiB(host.ProcessId);
        await host.StopAsync();

        var facts = await DropChecks.RunAsync(database, concert.Id, concert.MaxTicketsPerFan, opensAt, cancellationToken);
        var integrity = await IntegrityCheck.RunAsync(database, concert.Id, tally.Holds - tally.Cancels, cancellationToken);
        new DropReport(machine, provider, fanCount, seatCount, tally, facts, integrity, elapsed, cpu, peakMemory).Print(Console.Out);
        return integrity.SeatsWithSeveralActive == 0 && facts.FansOverLimit == 0 ? 0 : 1;
    }

    private static async Task JoinAllAsync(DropFan[] fans, CancellationToken ct) =>
        await Parallel.ForEachAsync(fans, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = ct }, async (fan, token) => await fan.JoinAsync(token));

    private static async Task<ConcertDto> CreateConcertAsync(HttpClient http, string adminToken, string runId, int seats, DateTimeOffset opensAt, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/admin/concerts")
        {
            Content = JsonContent.Create(
                new CreateConcertRequest($"Drop {runId}", "KSPO Dome", now.AddDays(30), opensAt,
                    [new SectionRequest("R", seats / 100, 100, 99_000), .. seats % 100 == 0 ? Array.Empty<SectionRequest>() : [new SectionRequest("S", 1, seats % 100, 77_000)]],
                    Queue: new QueueSettingsRequest(true, now, null, null)),
                options: BookingApiClient.Json),
        };
        request.Headers.Authorization = new("Bearer", adminToken);
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Creating the concert failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }

        return (await response.Content.ReadFromJsonAsync<ConcertDto>(BookingApiClient.Json, ct))!;
    }

    private static double PeakMemoryMiB(int processId)
    {
        try
        {
            var line = File.ReadLines($"/proc/{processId}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static void Log(string message) => Console.WriteLine($"  [{DateTime.Now:HH:mm:ss}] {message}");
}
