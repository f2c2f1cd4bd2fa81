using ConcertBooking.Contracts;
using ConcertBooking.Messaging.Hosting;

using Xunit.Abstractions;

namespace ConcertBooking.Messaging.Tests;

/// <summary>
/// Scaling a group out by processes (spec "Reliability: Rebalance"): two instances split the partitions, and when
/// one stops its partitions move to the other without losing an event.
/// </summary>
public sealed class ConsumerRebalanceTests(ITestOutputHelper output)
{
    private const string Topic = Topics.ReservationEvents;
    private const string Group = "rebalance";

    // By default only full batches (a deep backlog) are handled while the next is read; from 1 record every batch
    // is, so revocation meets a batch in flight.
    [Theory]
    [InlineData("1000")]
    [InlineData("1")]
    public async Task Two_instances_split_the_partitions_and_the_survivor_takes_over_without_loss(string overlapFrom)
    {
        using var cluster = await TestCluster.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Kafka:Retry:Backoff"] = "00:00:00.100",
            ["Kafka:ConsumerLoop:OverlapFrom"] = overlapFrom,
        };
        var handlerA = new TestEventHandler();
        var handlerB = new TestEventHandler();
        await using var a = MessagingTestHost.Create(cluster, output, "A",
            services => services.AddTestConsumerGroup(Group, [Topic], runHere: true, (_, _) => handlerA), settings: settings);
        await using var b = MessagingTestHost.Create(cluster, output, "B",
            services => services.AddTestConsumerGroup(Group, [Topic], runHere: true, (_, _) => handlerB), settings: settings);
        using var producer = TestClients.Producer(cluster.BootstrapServers);
        var produced = new List<Guid>();

        async Task<List<Guid>> ProduceToEveryPartitionAsync(int perPartition)
        {
            var ids = new List<Guid>();
            for (var i = 0; i < perPartition * KafkaProbe.Partitions; i++)
            {
                var @event = TestEvents.ReservationCreated();
                await producer.ProduceAsync(@event, partition: i % KafkaProbe.Partitions);
                ids.Add(@event.EventId);
            }

            produced.AddRange(ids);
            return ids;
        }

        // A alone first, so B's arrival is a real rebalance of partitions A holds.
        await a.StartAsync();
        await Eventually.WaitUntilAsync(() => HasBeenAssigned(a), "A has partitions");
        await b.StartAsync();
        await Eventually.WaitUntilAsync(() => HasBeenAssigned(b), "B has partitions", TestClients.Timeout + TimeSpan.FromSeconds(5));

        var whileSplit = await ProduceToEveryPartitionAsync(perPartition: 5);
        await Eventually.WaitUntilAsync(() => whileSplit.All(id => handlerA.HasHandled(id) || handlerB.HasHandled(id)),
            "the events produced while both run are handled");
        Assert.NotEmpty(handlerA.HandledIds.Intersect(whileSplit));
        Assert.NotEmpty(handlerB.HandledIds.Intersect(whileSplit));

        // Graceful: B commits what it handled and leaves the group, so A is given B's partitions.
        await b.StopAsync();
        var afterStop = await ProduceToEveryPartitionAsync(perPartition: 5);
        await Eventually.WaitUntilAsync(() => afterStop.All(handlerA.HasHandled),
            "A handled every event produced after B stopped, on all partitions", TestClients.Timeout + TimeSpan.FromSeconds(10));
        Assert.Equal(KafkaProbe.Partitions, handlerA.Handled.Where(e => afterStop.Contains(e.Event.EventId)).Select(e => e.Partition).Distinct().Count());

        var union = handlerA.HandledIds.Union(handlerB.HandledIds).ToHashSet();
        Assert.Superset(produced.ToHashSet(), union);

        // Commits refused while the group rebalanced (REBALANCE_IN_PROGRESS, a stale generation) stay pending and
        // land later, so a restart now would not replay what was handled.
        await Eventually.WaitUntilAsync(
            () => KafkaProbe.Committed(cluster.BootstrapServers, Group, Topic).Values.All(offset => offset == 10),
            "the group has committed every partition to its end (10 records each)");
    }

    /// <summary>Whether the instance has been given at least one partition; the runtime logs each assignment.</summary>
    private static bool HasBeenAssigned(MessagingTestHost host) =>
        host.Logs.Any(e => e.Message.StartsWith($"{Group}: assigned ", StringComparison.Ordinal) && e.Message.Contains(Topic, StringComparison.Ordinal));
}
