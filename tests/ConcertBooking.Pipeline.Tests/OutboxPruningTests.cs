using ConcertBooking.Messaging.Outbox;
using ConcertBooking.Pipeline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ConcertBooking.Pipeline.Tests;

/// <summary>The outbox and the processed-event records are pruned, but never what a group still owes.</summary>
public sealed class OutboxPruningTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "concertbooking-pruning-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Only_events_every_reading_group_processed_are_pruned()
    {
        using var main = new PipelineApp(_dataDirectory, [("roles", "api,relay,notification,ranking")]);
        var admin = await main.ClientForAsync("admin@example.com");
        var fan = await main.ClientForAsync("pruned@example.com");
        var (concertId, seats) = await Booking.CreateOpenConcertAsync(admin, seats: 2);
        await Booking.ChargeAsync(fan, 100_000);
        await Booking.PayAsync(fan, await Booking.HoldAsync(fan, concertId, seats[0]));
        await main.WaitUntilGroupsProcessedEverythingAsync([PipelineApp.Groups[0], PipelineApp.Groups[1]]);
        var committed = await main.WithBookingDbAsync(db => db.OutboxMessages.CountAsync());
        var pruner = ActivatorUtilities.CreateInstance<OutboxPruner>(main.Services);

        // data-platform reads every topic and has processed nothing yet: nothing may go, however old.
        await pruner.PruneAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);
        Assert.Equal(committed, await main.WithBookingDbAsync(db => db.OutboxMessages.CountAsync()));
        Assert.Equal(2 * committed, await main.WithMessagingDbAsync(db => db.ProcessedEvents.CountAsync()));

        using (var dataPlatform = new PipelineApp(_dataDirectory, [("roles", "data-platform"), ("Kafka:BootstrapServers", main.Kafka.Embedded!.BootstrapServers)]))
        {
            _ = dataPlatform.Services;
            await dataPlatform.WaitUntilAllGroupsProcessedEverythingAsync();
        }

        // Not yet past the retention: everything stays.
        await pruner.PruneAsync(DateTimeOffset.UtcNow.AddMinutes(-1), CancellationToken.None);
        Assert.Equal(committed, await main.WithBookingDbAsync(db => db.OutboxMessages.CountAsync()));

        await pruner.PruneAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);
        Assert.Equal(0, await main.WithBookingDbAsync(db => db.OutboxMessages.CountAsync()));
        Assert.Equal(0, await main.WithMessagingDbAsync(db => db.ProcessedEvents.CountAsync()));
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
