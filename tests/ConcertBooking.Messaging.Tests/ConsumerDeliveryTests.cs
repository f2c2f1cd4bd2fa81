using ConcertBooking.Contracts;
using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Messaging.Hosting;

using Confluent.Kafka;

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

using Xunit.Abstractions;

namespace ConcertBooking.Messaging.Tests;

/// <summary>
/// At-least-once delivery with exactly-once effects (spec "Consumer runtime"): repeats change nothing, and what a
/// group handled before a graceful stop is committed, so the next instance does not get it again.
/// </summary>
public sealed class ConsumerDeliveryTests(ITestOutputHelper output)
{
    private const string Topic = Topics.ReservationEvents;

    [Fact]
    public async Task Event_delivered_twice_leaves_one_processed_events_row_for_the_group()
    {
        using var cluster = await TestCluster.StartAsync();
        const string group = "dedup";
        await using var host = MessagingTestHost.Create(cluster, output, "consumer",
            services => services.AddRecordingConsumerGroup(group, [Topic], runHere: true),
            settings: new Dictionary<string, string?> { ["Kafka:Retry:Backoff"] = "00:00:00.100" });
        await host.StartAsync();
        using var producer = TestClients.Producer(cluster.BootstrapServers);

        // A repeat in a later batch, found applied in the database (a redelivery after a crash, a relay replay)...
        var once = TestEvents.ReservationCreated();
        var first = await producer.ProduceAsync(once, partition: 0);
        await WaitCommittedPastAsync(group, first);
        var repeat = await producer.ProduceAsync(once, partition: 0);

        // ... and a repeat that may well share a batch with the original (a producer retry).
        var twice = TestEvents.ReservationCreated();
        await producer.ProduceAsync(twice, partition: 1);
        var twin = await producer.ProduceAsync(twice, partition: 1);
        await WaitCommittedPastAsync(group, repeat);
        await WaitCommittedPastAsync(group, twin);

        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProcessedEventsDbContext>();
        var rows = await db.ProcessedEvents.AsNoTracking().Where(p => p.GroupId == group).ToListAsync();
        Assert.Equal([once.EventId, twice.EventId], rows.Select(r => r.EventId).Order());
        Assert.Equal(first.Offset.Value, rows.Single(r => r.EventId == once.EventId).Offset);

        // Absorbed, not refused: the primary key alone would also keep one row, but by failing the repeat into the
        // DLT after a retry budget per repeat.
        Assert.Empty(KafkaProbe.ReadAll(cluster.BootstrapServers, TopicNames.ReservationEventsDeadLetter));
        Assert.DoesNotContain(host.Logs.Entries, e => e.Category.StartsWith(typeof(ConsumerGroupWorker).Namespace!, StringComparison.Ordinal) && e.Level >= LogLevel.Warning);

        Task WaitCommittedPastAsync(string groupId, DeliveryResult<string, string> delivery) =>
            Eventually.WaitUntilAsync(
                () => KafkaProbe.Committed(cluster.BootstrapServers, groupId, Topic)[delivery.Partition.Value] > delivery.Offset.Value,
                $"{groupId} has committed past {delivery.TopicPartitionOffset}");
    }

    // By default a batch this small is handled on the consumer's thread; from 1 record it is handled while the next
    // batch is read, and shutdown must wait for it there.
    [Theory]
    [InlineData("1000")]
    [InlineData("1")]
    public async Task Graceful_stop_finishes_the_batch_in_flight_and_commits_so_the_next_instance_gets_none_of_it_again(string overlapFrom)
    {
        using var cluster = await TestCluster.StartAsync();
        const string group = "graceful-stop";

        // Only revocation and shutdown commit now: a periodic commit would otherwise hide a missing one.
        var settings = new Dictionary<string, string?>
        {
            ["Kafka:Consumer:AutoCommitIntervalMs"] = "3600000",
            ["Kafka:Retry:Backoff"] = "00:00:00.100",
            ["Kafka:ConsumerLoop:OverlapFrom"] = overlapFrom,
        };
        var handledBefore = Enumerable.Range(0, 12).Select(_ => TestEvents.ReservationCreated()).ToList();
        var inFlight = TestEvents.ReservationCreated();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstHandler = new TestEventHandler
        {
            HoldWhen = e =>
            {
                if (e.Event.EventId != inFlight.EventId)
                {
                    return null;
                }

                entered.TrySetResult();
                return release.Task;
            },
        };
        using var producer = TestClients.Producer(cluster.BootstrapServers);

        await using (var first = MessagingTestHost.Create(cluster, output, "first",
                         services => services.AddTestConsumerGroup(group, [Topic], runHere: true, (_, _) => firstHandler), settings: settings))
        {
            await first.StartAsync();
            for (var i = 0; i < handledBefore.Count; i++)
            {
                await producer.ProduceAsync(handledBefore[i], partition: i % KafkaProbe.Partitions);
            }

            await Eventually.WaitUntilAsync(() => handledBefore.All(e => firstHandler.HasHandled(e.EventId)), "the first instance handled the events");
            await producer.ProduceAsync(inFlight, partition: 0);
            await entered.Task.WaitAsync(TestClients.Timeout);

            // Shutdown begins while the batch is still being handled; the batch must be finished, not dropped.
            var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var registration = first.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(stopping.SetResult);
            var stop = first.StopAsync();
            await stopping.Task.WaitAsync(TestClients.Timeout);
            release.SetResult();
            await stop;
        }

        Assert.Equal(1, firstHandler.TimesHandled(inFlight.EventId));
        var committed = KafkaProbe.Committed(cluster.BootstrapServers, group, Topic);
        Assert.Equal([5, 4, 4], Enumerable.Range(0, KafkaProbe.Partitions).Select(p => committed[p]));

        // A marker on every partition: anything left uncommitted would reach the next instance before its marker.
        var markers = Enumerable.Range(0, KafkaProbe.Partitions).Select(_ => TestEvents.ReservationCreated()).ToList();
        for (var p = 0; p < markers.Count; p++)
        {
            await producer.ProduceAsync(markers[p], partition: p);
        }

        var secondHandler = new TestEventHandler();
        await using var second = MessagingTestHost.Create(cluster, output, "second",
            services => services.AddTestConsumerGroup(group, [Topic], runHere: true, (_, _) => secondHandler), settings: settings);
        await second.StartAsync();

        // The mock lets a group that lost its last member rejoin only after about the session timeout.
        await Eventually.WaitUntilAsync(() => markers.All(m => secondHandler.HasHandled(m.EventId)),
            "the next instance handled the markers", TestClients.Timeout + TimeSpan.FromSeconds(10));
        Assert.Equal(markers.Select(m => m.EventId).Order(), secondHandler.HandledIds.Order());
    }
}
