using ConcertBooking.Messaging.Embedded;
using System.Text;
using System.Text.Json;
using ConcertBooking.Contracts;
using ConcertBooking.Messaging;
using ConcertBooking.Pipeline.Tests.Support;
using Confluent.Kafka;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Pipeline.Tests;

/// <summary>From an HTTP request through the outbox and the relay to every consumer group, on the embedded cluster.</summary>
public sealed class EventFlowTests : IDisposable
{
    private readonly PipelineApp _app = new();

    [Fact]
    public async Task A_hold_puts_exactly_one_RESERVATION_CREATED_on_the_wire_and_every_group_handles_it_once()
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        var fan = await _app.ClientForAsync("wire-fan@example.com");
        var (concertId, seats) = await Booking.CreateOpenConcertAsync(admin, seats: 3);

        var reservationId = await Booking.HoldAsync(fan, concertId, seats[0]);
        await _app.WaitUntilAllGroupsProcessedEverythingAsync();

        var records = ReadWholeTopic(_app.Kafka.BootstrapServers, Topics.ReservationEvents)
            .Where(r => r.Message.Key == $"reservation-{reservationId}")
            .ToList();
        var record = Assert.Single(records);

        using var value = JsonDocument.Parse(record.Message.Value);
        var root = value.RootElement;
        Assert.Equal("RESERVATION_CREATED", root.GetProperty("eventType").GetString());
        Assert.Equal(reservationId, root.GetProperty("reservationId").GetInt64());
        Assert.Equal(concertId, root.GetProperty("concertId").GetInt64());
        Assert.Equal(seats[0], root.GetProperty("seatId").GetInt64());
        Assert.Equal(10_000, root.GetProperty("amount").GetInt64());
        Assert.Equal("wire-fan@example.com", root.GetProperty("userEmail").GetString());
        Assert.StartsWith("Pipeline test", root.GetProperty("concertName").GetString(), StringComparison.Ordinal);
        Assert.True(root.TryGetProperty("userId", out _));
        var eventId = Guid.Parse(root.GetProperty("eventId").GetString()!);
        Assert.Equal(TimeSpan.Zero, root.GetProperty("occurredAt").GetDateTimeOffset().Offset);

        Assert.Equal("RESERVATION_CREATED", Header(record, KafkaHeaders.EventType));
        Assert.Equal(eventId.ToString(), Header(record, KafkaHeaders.EventId));
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$", Header(record, KafkaHeaders.TraceParent));

        var handledBy = await _app.WithMessagingDbAsync(db =>
            db.ProcessedEvents.Where(p => p.EventId == eventId).Select(p => p.GroupId).ToListAsync());
        Assert.Equal(PipelineApp.Groups.Order(), handledBy.Order());
    }

    [Fact]
    public async Task With_every_broker_down_holds_and_payments_succeed_and_their_events_arrive_once_the_brokers_return()
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        var fan = await _app.ClientForAsync("outage-fan@example.com");
        var (concertId, seats) = await Booking.CreateOpenConcertAsync(admin, seats: 4);
        await Booking.ChargeAsync(fan, 100_000);
        await _app.WaitUntilAllGroupsProcessedEverythingAsync();

        var cluster = _app.Services.EmbeddedCluster()!;
        for (var broker = 1; broker <= cluster.BrokerCount; broker++)
        {
            cluster.SetBrokerDown(broker);
        }

        var first = await Booking.HoldAsync(fan, concertId, seats[0]);
        await Booking.PayAsync(fan, first);
        await Booking.HoldAsync(fan, concertId, seats[1]);
        var pendingWhileDown = await _app.WithBookingDbAsync(db => db.OutboxMessages.CountAsync(m => m.SentAt == null));
        Assert.True(pendingWhileDown >= 3, $"expected the outage's events to wait in the outbox, found {pendingWhileDown} pending");

        for (var broker = 1; broker <= cluster.BrokerCount; broker++)
        {
            cluster.SetBrokerUp(broker);
        }

        await _app.WaitUntilAllGroupsProcessedEverythingAsync(TimeSpan.FromSeconds(90));
        var pending = await _app.WithBookingDbAsync(db => db.OutboxMessages.CountAsync(m => m.SentAt == null));
        Assert.Equal(0, pending);
    }

    public void Dispose() => _app.Dispose();

    private static string Header(ConsumeResult<string, byte[]> record, string name) =>
        Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes(name));

    /// <summary>Reads every partition from the beginning to its current end with an independent consumer.</summary>
    private static List<ConsumeResult<string, byte[]>> ReadWholeTopic(string bootstrapServers, string topic)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "pipeline-test-reader-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            FetchWaitMaxMs = 10,
        }).Build();
        var partitions = Enumerable.Range(0, 3).Select(p => new TopicPartition(topic, p)).ToList();
        var ends = partitions.ToDictionary(p => p, p => consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).High.Value);
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));

        var records = new List<ConsumeResult<string, byte[]>>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (records.Count < ends.Values.Sum() && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } record)
            {
                records.Add(record);
            }
        }

        Assert.Equal(ends.Values.Sum(), records.Count);
        return records;
    }
}
