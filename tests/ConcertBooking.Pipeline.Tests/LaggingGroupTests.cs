using ConcertBooking.Contracts;
using ConcertBooking.Messaging.Outbox;
using ConcertBooking.Pipeline.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Pipeline.Tests;

/// <summary>
/// The embedded cluster keeps at most 5 MiB per partition and silently drops the oldest records beyond that, read
/// or not. A group that falls that far behind must still get every event, exactly once.
/// </summary>
public sealed class LaggingGroupTests : IDisposable
{
    private static readonly string[] AllGroups = PipelineApp.Groups;
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "concertbooking-lagging-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Consumers_started_after_150000_events_handle_every_one_exactly_once()
    {
        const int count = 150_000;
        using var publisher = new PipelineApp(_dataDirectory, [("roles", "api,relay")]);
        _ = publisher.Services;
        await CommitEventsAsync(publisher, count, large: false);
        await Eventually.WaitAsync(
            () => publisher.WithBookingDbAsync(db => db.OutboxMessages.CountAsync(m => m.SentAt == null)),
            pending => pending == 0,
            "the relay to publish all events (no consumer is running)",
            TimeSpan.FromSeconds(120));

        // Far more than 5 MiB per partition went out with nobody reading: the cluster kept only the newest part. The
        // consumers' process joins the publisher's cluster through the shared data directory.
        using var consumers = new PipelineApp(_dataDirectory, [("roles", "notification,ranking,data-platform")]);
        _ = consumers.Services;

        await consumers.WaitUntilAllGroupsProcessedEverythingAsync(TimeSpan.FromMinutes(5));
        foreach (var group in AllGroups)
        {
            var (processed, fromOutbox) = await consumers.WithMessagingDbAsync(async db => (
                await db.ProcessedEvents.CountAsync(p => p.GroupId == group),
                await db.ProcessedEvents.CountAsync(p => p.GroupId == group && p.Partition == -1)));
            Assert.Equal(count, processed);
            Assert.True(fromOutbox > 0, $"{group} should have replayed the records the cluster dropped from the outbox");
        }
    }

    [Fact]
    public async Task A_group_blocked_while_more_than_5_MiB_per_partition_flows_misses_nothing_and_the_others_keep_up()
    {
        using var main = new PipelineApp(_dataDirectory, [("roles", "api,relay,notification,ranking")]);
        _ = main.Services;
        (string, string)[] lagging = [("roles", "data-platform")];

        var dataPlatform = new PipelineApp(_dataDirectory, lagging);
        _ = dataPlatform.Services;
        await CommitEventsAsync(main, 100, large: false);
        await dataPlatform.WaitUntilAllGroupsProcessedEverythingAsync();

        // Block data-platform: its only member leaves, so nobody reads for it.
        dataPlatform.Dispose();

        // Steady traffic of the largest valid events (~0.8 KB: a 200-character concert name, a 240-character email):
        // 45,000 of them are ~32 MiB (~24 compressed), far over 5 MiB on each of the 3 partitions.
        for (var burst = 0; burst < 15; burst++)
        {
            await CommitEventsAsync(main, 3_000, large: true);
        }

        // The running groups are never held back for the blocked one: while data-platform is still gone, the relay
        // publishes everything and they handle all of it. How fast they do so is the pipeline benchmark's business.
        await Eventually.WaitAsync(
            () => main.WithBookingDbAsync(db => db.OutboxMessages.CountAsync(m => m.SentAt == null)),
            pending => pending == 0,
            "the relay to publish everything although data-platform reads nothing",
            TimeSpan.FromMinutes(2));
        await main.WaitUntilGroupsProcessedEverythingAsync([PipelineApp.Groups[0], PipelineApp.Groups[1]], TimeSpan.FromMinutes(3));

        using var resumed = new PipelineApp(_dataDirectory, lagging);
        _ = resumed.Services;
        await resumed.WaitUntilAllGroupsProcessedEverythingAsync(TimeSpan.FromMinutes(3));
        var total = await main.WithBookingDbAsync(db => db.OutboxMessages.CountAsync());
        var (handled, fromOutbox) = await resumed.WithMessagingDbAsync(async db => (
            await db.ProcessedEvents.CountAsync(p => p.GroupId == "data-platform"),
            await db.ProcessedEvents.CountAsync(p => p.GroupId == "data-platform" && p.Partition == -1)));
        Assert.Equal(total, handled);
        Assert.True(fromOutbox > 0, "the cluster should have dropped unread records, replayed from the outbox");
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
    }

    /// <summary>Random, so that the producer's compression cannot shrink the events below the sizes counted on.</summary>
    private static string RandomText(int length) =>
        Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(length))[..length];

    /// <summary>Commits events straight into the outbox, as the booking transactions would, but without the HTTP
    /// cost of 150,000 bookings.</summary>
    private static Task CommitEventsAsync(PipelineApp app, int count, bool large) =>
        app.WithBookingDbAsync(async db =>
        {
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var done = 0; done < count; done += 10_000)
            {
                var batch = Math.Min(10_000, count - done);
                db.OutboxMessages.AddRange(Enumerable.Range(0, batch).Select(_ =>
                {
                    var id = Random.Shared.NextInt64(1, long.MaxValue);
                    var email = large ? RandomText(228).ToLowerInvariant() + "@example.com" : "lag@example.com";
                    return OutboxMessage.From(new ReservationCreated(id, 1, 1, id, 10_000, email, RandomText(large ? EventValidation.MaxNameLength : 20))
                    {
                        OccurredAt = DateTimeOffset.UtcNow,
                        ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(5),
                    });
                }));
                await db.SaveChangesAsync();
                db.ChangeTracker.Clear();
            }

            return count;
        });
}
