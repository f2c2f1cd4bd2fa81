using System.Globalization;
using ConcertBooking.Infrastructure.Persistence;
using ConcertBooking.Messaging;
using ConcertBooking.Messaging.Embedded;
using ConcertBooking.Messaging.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Bench.Pipeline;

/// <summary>
/// `pipeline --telemetry-cost`: the pipeline's two throughput paths with metrics and traces off and on, in the same
/// run on the same cluster and database: the relay publishing a committed backlog (row 2) and a no-op group reading
/// a topic (row 3). Rounds alternate off/on after a warm-up round of each, and each side's median is compared.
/// </summary>
internal static class TelemetryCost
{
    private const int Rounds = 9;

    public static async Task<int> RunAsync(PipelineOptions options, CancellationToken ct)
    {
        var n = options.Events;
        BenchHost.Synchronous = options.Synchronous;

        // A relay host of one round stops without giving up the lease: the next round's takes it over sooner.
        BenchHost.Settings["Kafka:Outbox:LeaseDuration"] = "00:00:02";
        var dataDirectory = Directory.CreateTempSubdirectory("concertbooking-telemetrybench-").FullName;
        var loadBefore = PipelineCommand.LoadAverage();
        Console.WriteLine($"pipeline --telemetry-cost: {n:N0} events a round, {Rounds} measured rounds a side; SQLite synchronous={options.Synchronous}; load average {loadBefore}");
        var report = new Report();
        try
        {
            using var cluster = await PipelineCommand.StartClusterAsync(ct);
            var bootstrap = cluster.BootstrapServers;
            RawKafka.Produce(bootstrap, n, ct);
            var db = new BenchDatabase(dataDirectory);
            await using var control = BenchHost.Create(bootstrap, dataDirectory, new HostRoles());
            await control.StartAsync(ct);

            var relay = new Dictionary<bool, List<double>> { [false] = [], [true] = [] };
            var noop = new Dictionary<bool, List<double>> { [false] = [], [true] = [] };
            for (var round = -1; round < Rounds; round++)
            {
                foreach (var telemetry in round % 2 == 0 ? new[] { true, false } : [false, true])
                {
                    BenchHost.Telemetry = telemetry;
                    PipelineCommand.Step($"round {round + 1}, telemetry {(telemetry ? "on" : "off")}");
                    var relayRate = await RelayRoundAsync(bootstrap, dataDirectory, control, db, n, ct);
                    var noopRound = await PipelineCommand.NoopRoundAsync(bootstrap, dataDirectory, $"telemetry-{round + 2}-{telemetry}", n, ct);
                    Console.WriteLine($"  relay {relayRate:N0} ev/s, no-op group {noopRound.Rate:N0} ev/s");
                    if (round >= 0)
                    {
                        relay[telemetry].Add(relayRate);
                        noop[telemetry].Add(noopRound.Rate);
                    }
                }
            }

            Add(report, "2 relay (first-to-last SentAt batch)", relay);
            Add(report, "3 no-op group (first-to-last batch)", noop);
        }
        finally
        {
            BenchHost.Telemetry = false;
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A temp directory left behind is harmless.
            }
        }

        report.Print();
        Console.WriteLine($"load average before {loadBefore}, after {PipelineCommand.LoadAverage()}; nproc {Environment.ProcessorCount}");
        return report.AllPassed ? 0 : 1;
    }

    private static void Add(Report report, string row, Dictionary<bool, List<double>> rates)
    {
        var off = PipelineCommand.Percentile(rates[false], 0.5);
        var on = PipelineCommand.Percentile(rates[true], 0.5);
        var cost = 1 - on / off;
        string Runs(bool side) => string.Join(" / ", rates[side].Select(r => r.ToString("N0", CultureInfo.InvariantCulture)));
        report.Add($"{row}, telemetry off (median of {rates[false].Count})", $"{off:N0} ev/s", $"runs {Runs(false)}", null);
        report.Add($"{row}, telemetry on (median of {rates[true].Count})", $"{on:N0} ev/s",
            $"{cost:P1} below off (target < 5 %); runs {Runs(true)}", cost < 0.05);
    }

    /// <summary>Commits <paramref name="count"/> events, then a fresh relay host publishes them: its rate from the first
    /// delivered batch to the last, as row 2 measures it.</summary>
    private static async Task<double> RelayRoundAsync(string bootstrap, string dataDirectory, BenchHost control, BenchDatabase db, int count, CancellationToken ct)
    {
        var fromId = await db.ScalarAsync("""SELECT COALESCE(MAX("Id"), 0) FROM "OutboxMessages" """, ct);
        await using (var scope = control.Services.CreateAsyncScope())
        {
            await BenchEvents.CommitBulkAsync(scope.ServiceProvider.GetRequiredService<BookingDbContext>(), count, ct);
        }

        await using (var relay = BenchHost.Create(bootstrap, dataDirectory, new HostRoles(Relay: true)))
        {
            await relay.StartAsync(ct);
            if (!await PipelineCommand.WaitUntilAsync(async () => await db.PendingAsync(ct) == 0, TimeSpan.FromMinutes(3), ct))
            {
                return double.NaN;
            }
        }

        var sentMin = await db.ScalarAsync("""SELECT MIN("SentAt") FROM "OutboxMessages" WHERE "Id" > $id""", ct, ("$id", fromId));
        var sentMax = await db.ScalarAsync("""SELECT MAX("SentAt") FROM "OutboxMessages" WHERE "Id" > $id""", ct, ("$id", fromId));
        var firstBatch = await db.ScalarAsync("""SELECT COUNT(*) FROM "OutboxMessages" WHERE "Id" > $id AND "SentAt" = $m""", ct, ("$id", fromId), ("$m", sentMin));
        return (count - firstBatch) / TimeSpan.FromTicks(sentMax - sentMin).TotalSeconds;
    }
}
