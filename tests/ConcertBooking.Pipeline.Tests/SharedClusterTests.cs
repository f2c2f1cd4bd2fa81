using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using ConcertBooking.Pipeline.Tests.Support;
using Microsoft.Data.Sqlite;

namespace ConcertBooking.Pipeline.Tests;

/// <summary>
/// One embedded cluster per data directory: processes started on the same directory share the first one's cluster,
/// and when its owner is gone the next process starts a new one and has the outbox published again.
/// </summary>
public sealed class SharedClusterTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "concertbooking-shared-" + Guid.NewGuid().ToString("N"));
    private readonly BookingDatabaseFile _database;

    public SharedClusterTests() => _database = new BookingDatabaseFile(_dataDirectory);

    private string BootstrapFile => Path.Combine(_dataDirectory, "kafka-bootstrap.txt");

    private static readonly (string Key, string Value)[] Settings = [.. PipelineApp.FastKafkaSettings, ("Booking:DemoData", "true")];

    [Fact]
    public async Task A_second_process_joins_the_first_ones_cluster_and_its_holds_reach_the_first_ones_groups_and_kcat()
    {
        using var first = await ApiProcess.StartAsync(_dataDirectory, Settings);
        var bootstrap = (await File.ReadAllTextAsync(BootstrapFile)).Trim();
        Assert.Contains(first.Output, line => line.Contains($"Embedded Kafka cluster (3 brokers) at {bootstrap}", StringComparison.Ordinal));

        using var second = await ApiProcess.StartAsync(_dataDirectory, [.. Settings, ("roles", "api")]);
        Assert.Contains(second.Output, line => line.Contains($"Joined the embedded Kafka cluster at {bootstrap}", StringComparison.Ordinal));
        Assert.Equal(bootstrap, (await File.ReadAllTextAsync(BootstrapFile)).Trim());

        var reservationId = await HoldAsync(second, "joiner@example.com", seatId: 101);
        await _database.WaitUntilAllGroupsProcessedEverythingAsync(TimeSpan.FromSeconds(60));
        foreach (var (group, _) in BookingDatabaseFile.Subscriptions)
        {
            Assert.Equal(1, _database.Count(
                $"SELECT COUNT(*) FROM \"ProcessedEvents\" p JOIN \"OutboxMessages\" m ON m.\"EventId\" = p.\"EventId\" " +
                $"WHERE p.\"GroupId\" = '{group}' AND m.\"Key\" = 'reservation-{reservationId}' AND m.\"EventType\" = 'RESERVATION_CREATED'"));
        }

        Assert.Contains($"reservation-{reservationId}", Kcat(bootstrap, "reservation-events"));
    }

    [Fact]
    public async Task When_the_owner_is_gone_the_next_process_says_so_starts_a_new_cluster_and_every_group_still_gets_every_event_once()
    {
        string oldBootstrap;
        using (var owner = await ApiProcess.StartAsync(_dataDirectory, Settings))
        {
            oldBootstrap = (await File.ReadAllTextAsync(BootstrapFile)).Trim();
            await HoldAsync(owner, "before@example.com", seatId: 101);
            await _database.WaitUntilAllGroupsProcessedEverythingAsync(TimeSpan.FromSeconds(60));
            owner.Kill();
        }

        using var next = await ApiProcess.StartAsync(_dataDirectory, Settings);
        var newBootstrap = (await File.ReadAllTextAsync(BootstrapFile)).Trim();
        Assert.NotEqual(oldBootstrap, newBootstrap);
        Assert.Contains(next.Output, line => line.Contains($"({oldBootstrap}) is gone with the process that owned it; starting a new one", StringComparison.Ordinal));

        await HoldAsync(next, "after@example.com", seatId: 102);
        await _database.WaitUntilAllGroupsProcessedEverythingAsync(TimeSpan.FromSeconds(60));
        var events = _database.Count("SELECT COUNT(*) FROM \"OutboxMessages\"");
        foreach (var (group, _) in BookingDatabaseFile.Subscriptions)
        {
            Assert.Equal(events, _database.Count($"SELECT COUNT(*) FROM \"ProcessedEvents\" WHERE \"GroupId\" = '{group}'"));
        }

        // The republished events are on the new cluster too.
        Assert.Contains("reservation-", Kcat(newBootstrap, "reservation-events"));
    }

    private static async Task<long> HoldAsync(ApiProcess api, string email, long seatId)
    {
        var fan = await api.ClientForAsync(email);
        var response = await fan.PostAsJsonAsync("/api/reservations", new { concertId = 2, seatId });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    /// <summary>The keys on a topic as kcat, an independent client, reads them.</summary>
    private static string Kcat(string bootstrap, string topic)
    {
        var start = new ProcessStartInfo("kcat") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-b", bootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%k\n" })
        {
            start.ArgumentList.Add(argument);
        }

        using var kcat = Process.Start(start) ?? throw new InvalidOperationException("kcat did not start; install it (apt-get install kcat).");
        var output = kcat.StandardOutput.ReadToEndAsync();
        if (!kcat.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            kcat.Kill();
            throw new TimeoutException("kcat did not finish within 30 s.");
        }

        return output.Result;
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
}
