using System.Net.Http.Json;
using System.Text.Json;
using ConcertBooking.Pipeline.Tests.Support;
using Microsoft.Data.Sqlite;

namespace ConcertBooking.Pipeline.Tests;

/// <summary>
/// Kills the API with SIGKILL in the middle of a load and starts it again. The embedded cluster was in memory, so
/// the new process starts with an empty one: every committed change's events must still reach every group, once.
/// </summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private readonly string _dataDirectory;
    private readonly BookingDatabaseFile _database;

    public CrashRecoveryTests()
    {
        _dataDirectory = Path.Combine(Path.GetTempPath(), "concertbooking-crash-" + Guid.NewGuid().ToString("N"));
        _database = new BookingDatabaseFile(_dataDirectory);
    }

    private const int FanCount = 8;

    [Fact]
    public async Task After_a_hard_kill_mid_load_every_committed_event_reaches_every_group_exactly_once()
    {
        var settings = PipelineApp.FastKafkaSettings.Append(("Booking:DemoData", "true")).ToList();
        int committedBeforeKill;
        using (var first = await ApiProcess.StartAsync(_dataDirectory, settings))
        {
            using var load = new CancellationTokenSource();
            // Eight fans: each may own at most four seats of the demo concert (its ticket limit).
            var fans = await Task.WhenAll(Enumerable.Range(1, FanCount).Select(i => SignInAsync(first, $"crash-fan{i}@example.com")));
            var workers = fans.Select((fan, i) => BookUntilKilledAsync(fan, seatOffset: i, load.Token)).ToArray();

            // Kill while requests are in flight and the relay and the groups are busy.
            await Eventually.WaitAsync(() => Task.FromResult(CountOutboxRows()), n => n >= 40, "some load before the kill");
            first.Kill();
            await load.CancelAsync();
            await Task.WhenAll(workers);
            committedBeforeKill = CountOutboxRows();
        }

        using var second = await ApiProcess.StartAsync(_dataDirectory, settings);
        await _database.WaitUntilAllGroupsProcessedEverythingAsync(TimeSpan.FromSeconds(120));

        Assert.True(committedBeforeKill >= 40);
        Assert.Equal(CountRows("SELECT COUNT(*) FROM \"Reservations\""), CountRows("SELECT COUNT(*) FROM \"OutboxMessages\" WHERE \"EventType\" = 'RESERVATION_CREATED'"));
        Assert.Equal(CountRows("SELECT COUNT(*) FROM \"Payments\""), CountRows("SELECT COUNT(*) FROM \"OutboxMessages\" WHERE \"EventType\" = 'PAYMENT_COMPLETED'"));
        foreach (var (group, topics) in BookingDatabaseFile.Subscriptions)
        {
            // Exactly once: as many processed records as events the group reads, and none unknown to the outbox.
            var expected = CountRows($"SELECT COUNT(*) FROM \"OutboxMessages\" WHERE \"Topic\" IN ({BookingDatabaseFile.TopicList(topics)})");
            Assert.Equal(expected, CountRows($"SELECT COUNT(*) FROM \"ProcessedEvents\" WHERE \"GroupId\" = '{group}'"));
            Assert.Equal(0, CountRows($"SELECT COUNT(*) FROM \"ProcessedEvents\" p WHERE p.\"GroupId\" = '{group}' AND NOT EXISTS (SELECT 1 FROM \"OutboxMessages\" m WHERE m.\"EventId\" = p.\"EventId\")"));
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
    }

    private static async Task<HttpClient> SignInAsync(ApiProcess api, string email)
    {
        var client = await api.ClientForAsync(email);
        await Booking.ChargeAsync(client, 10_000_000);
        return client;
    }

    /// <summary>Holds and pays seats of the 100-seat demo concert until the process dies under it.</summary>
    private static async Task BookUntilKilledAsync(HttpClient fan, int seatOffset, CancellationToken stop)
    {
        for (var seat = 1 + seatOffset; seat <= 100 && !stop.IsCancellationRequested; seat += FanCount)
        {
            try
            {
                var hold = await fan.PostAsJsonAsync("/api/reservations", new { concertId = 1, seatId = seat }, stop);
                if (hold.IsSuccessStatusCode)
                {
                    var id = (await hold.Content.ReadFromJsonAsync<JsonElement>(stop)).GetProperty("id").GetInt64();
                    await fan.PostAsJsonAsync($"/api/reservations/{id}/payment", new { method = "POINTS" }, stop);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                return;
            }
        }
    }

    private int CountOutboxRows() => CountRows("SELECT COUNT(*) FROM \"OutboxMessages\"");

    private int CountRows(string sql) => _database.Count(sql);
}
