using ConcertBooking.Pipeline.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Pipeline.Tests;

/// <summary>The outbox and each group's processed-event records are pruned by age, like Kafka's own retention: the
/// publishing side never asks who has read an event.</summary>
public sealed class OutboxPruningTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "concertbooking-pruning-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Sent_events_and_processed_records_older_than_the_retention_are_pruned()
    {
        using var app = new PipelineApp(_dataDirectory, [
            ("Kafka:Outbox:Retention", "00:00:05"),
            ("Kafka:Outbox:PruneInterval", "00:00:00.200"),
        ]);
        var admin = await app.ClientForAsync("admin@example.com");
        var fan = await app.ClientForAsync("pruned@example.com");
        var (concertId, seats) = await Booking.CreateOpenConcertAsync(admin, seats: 2);
        await Booking.ChargeAsync(fan, 100_000);
        await Booking.PayAsync(fan, await Booking.HoldAsync(fan, concertId, seats[0]));

        // Two events (the hold and the payment) for each of the three groups, before the retention takes them.
        await Eventually.WaitAsync(
            () => app.WithMessagingDbAsync(db => db.ProcessedEvents.CountAsync()),
            processed => processed == 6,
            "every group to process both events");

        await Eventually.WaitAsync(
            async () => (await app.WithBookingDbAsync(db => db.OutboxMessages.CountAsync()), await app.WithMessagingDbAsync(db => db.ProcessedEvents.CountAsync())),
            counts => counts == (0, 0),
            "sent events and processed records past the retention to be pruned",
            TimeSpan.FromSeconds(30));
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
}
