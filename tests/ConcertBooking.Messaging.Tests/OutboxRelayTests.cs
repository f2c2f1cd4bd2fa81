using System.Diagnostics;
using System.Text;

using ConcertBooking.Contracts;
using ConcertBooking.Domain.Concerts;
using ConcertBooking.Domain.Reservations;
using ConcertBooking.Domain.Users;
using ConcertBooking.Messaging.Outbox;
using ConcertBooking.Infrastructure.Persistence;
using ConcertBooking.Messaging.Embedded;

using Confluent.Kafka;

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging.Abstractions;

using Xunit.Abstractions;

namespace ConcertBooking.Messaging.Tests;

/// <summary>
/// The outbox relay (spec "Transactional outbox and relay"): rows a state change commits are published once each,
/// in order per key, with the envelope headers; with the cluster down they wait in the outbox and go out when it
/// returns.
/// </summary>
public sealed class OutboxRelayTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Committed_rows_are_published_once_each_in_order_per_key_with_headers_and_marked_sent()
    {
        using var cluster = await TestCluster.StartAsync();
        await using var host = MessagingTestHost.Create(cluster, output, "relay", relay: true);
        await host.StartAsync();

        // Recorded while a request's trace is current, as the API does, so the relay must carry it to the consumers.
        using (var request = new Activity("hold seats").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            await HoldAndCancelAsync(host, seats: 6, cancelEvery: 2);
        }

        var rows = await OutboxAsync(host);
        Assert.Equal(9, rows.Count);
        await Eventually.WaitUntilAsync(async () => (await OutboxAsync(host)).All(r => r.SentAt is not null), "every outbox row is marked sent");

        // The cluster is the test's own, so everything on the topic came from these rows.
        var records = KafkaProbe.ReadAll(cluster.BootstrapServers, Topics.ReservationEvents);
        Assert.Equal(rows.Select(r => r.EventId).Order(), records.Select(r => Guid.Parse(r.Header(KafkaHeaders.EventId)!)).Order());
        foreach (var record in records)
        {
            var row = rows.Single(r => r.EventId.ToString() == record.Header(KafkaHeaders.EventId));
            Assert.Equal(row.Key, record.Message.Key);
            Assert.Equal(row.Payload, Encoding.UTF8.GetString(record.Message.Value!));
            Assert.Equal(row.EventType, record.Header(KafkaHeaders.EventType));
            Assert.Equal(row.TraceParent, record.Header(KafkaHeaders.TraceParent));
            Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", record.Header(KafkaHeaders.TraceParent));
            Assert.Equal(row.EventType, EventSerializer.Deserialize(record.Message.Value, UpcastDefaults.Standard).EventType);
        }

        // A key lives on one partition, where offsets are the order consumers see: it must be the commit order.
        var cancelledKeys = rows.Where(r => r.EventType == EventTypes.ReservationCancelled).Select(r => r.Key).ToHashSet();
        Assert.Equal(3, cancelledKeys.Count);
        foreach (var byKey in records.GroupBy(r => r.Message.Key!))
        {
            Assert.Single(byKey.Select(r => r.Partition).Distinct());
            var rowIdsInOffsetOrder = byKey.OrderBy(r => r.Offset.Value)
                .Select(r => rows.Single(row => row.EventId.ToString() == r.Header(KafkaHeaders.EventId)).Id)
                .ToList();
            Assert.Equal(rowIdsInOffsetOrder.Order(), rowIdsInOffsetOrder);
            Assert.Equal(cancelledKeys.Contains(byKey.Key) ? 2 : 1, rowIdsInOffsetOrder.Count);
        }
    }

    [Fact]
    public async Task With_every_broker_down_rows_stay_pending_and_are_published_once_the_cluster_returns()
    {
        using var cluster = await TestCluster.StartAsync();
        await using var host = MessagingTestHost.Create(cluster, output, "relay", relay: true, settings: FastFailureSettings());
        using var republished = new CounterProbe(host.Services, "concertbooking.events.republished");
        await host.StartAsync();

        SetAllBrokers(cluster, up: false);
        var brokersDown = true;
        try
        {
            await HoldAndCancelAsync(host, seats: 4, cancelEvery: 2);

            // Pending is only meaningful once the relay has tried and failed.
            await Eventually.WaitUntilAsync(
                () => host.Logs.Any(e => e.Message.StartsWith("Publishing the outbox failed", StringComparison.Ordinal)),
                "the relay has tried to publish and failed");
            var pending = await OutboxAsync(host);
            Assert.Equal(6, pending.Count);
            Assert.All(pending, r => Assert.Null(r.SentAt));

            SetAllBrokers(cluster, up: true);
            brokersDown = false;
            await Eventually.WaitUntilAsync(async () => (await OutboxAsync(host)).All(r => r.SentAt is not null),
                "every outbox row is marked sent after the cluster returned", TestClients.Timeout + TimeSpan.FromSeconds(15));

            var rows = await OutboxAsync(host);
            var published = KafkaProbe.ReadAll(cluster.BootstrapServers, Topics.ReservationEvents)
                .Select(r => Guid.Parse(r.Header(KafkaHeaders.EventId)!))
                .ToList();
            Assert.Equal(rows.Select(r => r.EventId).Order(), published.Distinct().Order());

            // A batch in flight while the brokers return can see some deliveries fail after they reached a broker;
            // those rows are published again, and only those.
            AssertRepeatsAreCounted(published, republished);
        }
        finally
        {
            if (brokersDown)
            {
                // Lets the host's clients flush and close promptly on dispose.
                SetAllBrokers(cluster, up: true);
            }
        }
    }

    [Fact]
    public async Task With_some_partitions_offline_only_their_rows_wait_and_the_others_are_sent_once()
    {
        var (cluster, partitions, downBroker) = await StartClusterWithOfflineablePartitionsAsync();
        using var _ = cluster;
        await using var host = MessagingTestHost.Create(cluster, output, "relay", relay: true, settings: FastFailureSettings());
        using var republished = new CounterProbe(host.Services, "concertbooking.events.republished");
        await host.StartAsync();

        var offline = partitions.Where(p => p.Leader == downBroker).Select(p => p.PartitionId).ToHashSet();
        bool Waits(OutboxMessage row) => offline.Contains(PartitionOf(row.Key, partitions.Count));

        cluster.SetBrokerDown(downBroker);
        var brokerDown = true;
        try
        {
            await HoldAndCancelAsync(host, seats: 9, cancelEvery: 2);
            var rows = await OutboxAsync(host);
            Assert.Contains(rows, Waits);
            Assert.Contains(rows, r => !Waits(r));

            await Eventually.WaitUntilAsync(async () => (await OutboxAsync(host)).All(r => (r.SentAt is null) == Waits(r)),
                "every row of a reachable partition is marked sent while the offline partitions' rows wait",
                TestClients.Timeout + TimeSpan.FromSeconds(15));
            Assert.True(host.Logs.Any(e => e.Message.StartsWith("Publishing the outbox failed", StringComparison.Ordinal)));

            cluster.SetBrokerUp(downBroker);
            brokerDown = false;
            await Eventually.WaitUntilAsync(async () => (await OutboxAsync(host)).All(r => r.SentAt is not null),
                "every outbox row is marked sent after the broker returned", TestClients.Timeout + TimeSpan.FromSeconds(15));

            var records = KafkaProbe.ReadAll(cluster.BootstrapServers, Topics.ReservationEvents);
            Assert.All(records, r => Assert.Equal(PartitionOf(r.Message.Key!, partitions.Count), r.Partition.Value));
            var published = records.Select(r => Guid.Parse(r.Header(KafkaHeaders.EventId)!)).ToList();
            Assert.Equal(rows.Select(r => r.EventId).Order(), published.Distinct().Order());

            // Only a delivery to an offline partition can have failed after reaching its broker.
            Assert.All(rows.Where(r => !Waits(r)), row => Assert.Single(published, row.EventId));
            AssertRepeatsAreCounted(published, republished);
        }
        finally
        {
            if (brokerDown)
            {
                cluster.SetBrokerUp(downBroker);
            }
        }
    }

    /// <summary>
    /// A cluster whose <c>reservation-events</c> has one replica per partition, so taking a broker down takes its
    /// partitions offline (with three replicas another broker would take over), and a broker that leads some of
    /// those partitions but not all. The mock places replicas at random, so a placement on a single broker is
    /// started over.
    /// </summary>
    private static async Task<(EmbeddedKafkaCluster Cluster, List<PartitionMetadata> Partitions, int DownBroker)> StartClusterWithOfflineablePartitionsAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var cluster = EmbeddedKafkaCluster.Start(brokerCount: 3);
            try
            {
                cluster.SetGroupInitialRebalanceDelay(TimeSpan.Zero);
                cluster.CreateTopic(Topics.ReservationEvents, partitions: 3, replicationFactor: 1);
                using var timeout = new CancellationTokenSource(TestClients.Timeout);
                await TestCluster.Provisioner(cluster).ProvisionAsync(timeout.Token);

                using var admin = TestClients.Admin(cluster.BootstrapServers);
                var partitions = admin.GetMetadata(Topics.ReservationEvents, TestClients.Timeout).Topics.Single().Partitions;
                var leaders = partitions.GroupBy(p => p.Leader).ToList();
                if (leaders.Count > 1)
                {
                    return (cluster, partitions, leaders[0].Key);
                }

                Assert.True(attempt < 20, "the mock placed every partition on one broker 20 times in a row");
            }
            catch
            {
                cluster.Dispose();
                throw;
            }

            cluster.Dispose();
        }
    }

    private static Dictionary<string, string?> FastFailureSettings() => new()
    {
        // A delivery fails after this long with its partition unreachable; the default 30 s would only slow the test.
        ["Kafka:Producer:MessageTimeoutMs"] = "1500",

        // The relay's backoff doubles per failure; capped low, it notices the cluster's return promptly.
        ["Kafka:Outbox:MaxBackoff"] = "00:00:00.500",
    };

    /// <summary>An event may be on the topic more than once only as often as the relay counted it as republished.</summary>
    private static void AssertRepeatsAreCounted(List<Guid> published, CounterProbe republished)
    {
        var repeats = published.Count - published.Distinct().Count();
        Assert.True(repeats <= republished.Total, $"{repeats} repeats on the topic, {republished.Total} counted as republished");
    }

    /// <summary>The partition librdkafka's default partitioner (consistent_random) picks for a key: CRC-32 of the
    /// key's bytes modulo the partition count.</summary>
    private static int PartitionOf(string key, int partitionCount)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return (int)(~crc % (uint)partitionCount);
    }

    private static void SetAllBrokers(EmbeddedKafkaCluster cluster, bool up)
    {
        for (var broker = 1; broker <= cluster.BrokerCount; broker++)
        {
            if (up)
            {
                cluster.SetBrokerUp(broker);
            }
            else
            {
                cluster.SetBrokerDown(broker);
            }
        }
    }

    /// <summary>
    /// State changes as the booking use cases make them: a concert and a user, a hold on each seat (one
    /// RESERVATION_CREATED each), then every <paramref name="cancelEvery"/>th hold cancelled (a second event on
    /// that reservation's key). Each save writes its outbox rows in its own transaction.
    /// </summary>
    private static async Task HoldAndCancelAsync(MessagingTestHost host, int seats, int cancelEvery)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        var now = DateTimeOffset.UtcNow;
        var (concert, concertSeats) = Concert.Create(
            "Relay Night", "Test Hall", now.AddDays(30), now.AddMinutes(-1), [new SectionSpec("A", 1, seats, 50_000)], now);
        var user = new User($"fan-{Guid.NewGuid():N}@example.com", "Fan", now);
        db.Concerts.Add(concert);
        db.Seats.AddRange(concertSeats);
        db.Users.Add(user);
        await db.SaveChangesAsync();

        var reservations = new List<(Reservation Reservation, Seat Seat)>();
        foreach (var seat in concertSeats)
        {
            var reservation = Reservation.Hold(user, concert, seat, TimeSpan.FromMinutes(5), now);
            db.Reservations.Add(reservation);
            await db.SaveChangesAsync();
            reservations.Add((reservation, seat));
        }

        foreach (var (reservation, seat) in reservations.Where((_, i) => i % cancelEvery == 0))
        {
            reservation.Cancel(seat, DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        }
    }

    private static async Task<List<OutboxMessage>> OutboxAsync(MessagingTestHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        return await db.OutboxMessages.AsNoTracking().OrderBy(m => m.Id).ToListAsync();
    }
}
