using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

using ConcertBooking.Contracts;
using ConcertBooking.Messaging.Hosting;

using Confluent.Kafka;

using Xunit.Abstractions;

namespace ConcertBooking.Messaging.Tests;

/// <summary>
/// The failure policy of the consumer runtime (spec "Consumer runtime", seed 7.7), through real clients on an
/// embedded cluster: what cannot be read goes straight to the DLT, what fails is retried and then parked, what is
/// merely new is skipped, and in every case the partition moves on.
/// </summary>
public sealed class ConsumerFailurePolicyTests(ITestOutputHelper output)
{
    private const string Topic = Topics.ReservationEvents;
    private const string DeadLetterTopic = TopicNames.ReservationEventsDeadLetter;

    [Fact]
    public async Task Unreadable_record_goes_to_the_DLT_with_its_provenance_and_the_partition_moves_past_it()
    {
        using var cluster = await TestCluster.StartAsync();
        const string group = "poison-deserialization";
        var garbage = new Message<string, string>
        {
            Key = "garbage-key",
            Value = "this is { not JSON",
            Headers = new Headers { { "origin", "kcat"u8.ToArray() } },
        };
        var valid = TestEvents.ReservationCreated();
        DeliveryResult<string, string> garbageDelivery, validDelivery;
        using (var producer = TestClients.Producer(cluster.BootstrapServers))
        {
            // Same partition, garbage first: the valid event is only reachable past it.
            garbageDelivery = await producer.ProduceAsync(new TopicPartition(Topic, 0), garbage);
            validDelivery = await producer.ProduceAsync(valid, partition: 0);
        }

        var handler = new TestEventHandler();
        await using var host = MessagingTestHost.Create(cluster, output, "consumer",
            services => services.AddTestConsumerGroup(group, [Topic], runHere: true, (_, _) => handler));
        var started = DateTimeOffset.UtcNow;
        await host.StartAsync();

        await Eventually.WaitUntilAsync(() => handler.HasHandled(valid.EventId), "the event behind the garbage is handled");

        // The dead letter is produced (and acknowledged) before the batch's events are handled, so it is there now.
        var deadLetter = Assert.Single(KafkaProbe.ReadAll(cluster.BootstrapServers, DeadLetterTopic));
        Assert.Equal(garbage.Key, deadLetter.Message.Key);
        Assert.Equal(garbage.Value, Encoding.UTF8.GetString(deadLetter.Message.Value!));
        Assert.Equal("kcat", deadLetter.Header("origin"));
        Assert.Equal(Topic, deadLetter.Header(KafkaHeaders.DeadLetterOriginalTopic));
        Assert.Equal("0", deadLetter.Header(KafkaHeaders.DeadLetterOriginalPartition));
        Assert.Equal(garbageDelivery.Offset.Value.ToString(CultureInfo.InvariantCulture), deadLetter.Header(KafkaHeaders.DeadLetterOriginalOffset));
        Assert.Equal(group, deadLetter.Header(KafkaHeaders.DeadLetterGroup));
        // The parser throws internal subclasses of JsonException (JsonReaderException); the header names the real type.
        var exceptionType = typeof(JsonException).Assembly.GetType(deadLetter.Header(KafkaHeaders.DeadLetterExceptionType)!);
        Assert.True(exceptionType?.IsAssignableTo(typeof(JsonException)), $"{deadLetter.Header(KafkaHeaders.DeadLetterExceptionType)} is not a JsonException.");
        Assert.False(string.IsNullOrWhiteSpace(deadLetter.Header(KafkaHeaders.DeadLetterExceptionMessage)));

        // Never handed to the handler, so no attempts: retrying cannot make bytes readable.
        Assert.Equal("0", deadLetter.Header(KafkaHeaders.DeadLetterAttempts));
        var failedAt = DateTimeOffset.Parse(deadLetter.Header(KafkaHeaders.DeadLetterFailedAt)!, CultureInfo.InvariantCulture);
        Assert.InRange(failedAt, started.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));

        Assert.Single(handler.Handled);
        await Eventually.WaitUntilAsync(
            () => KafkaProbe.Committed(cluster.BootstrapServers, group, Topic)[0] > validDelivery.Offset.Value,
            "the group's committed offset on partition 0 is past both records");
    }

    [Fact]
    public async Task Headers_without_values_name_nothing_and_the_record_is_judged_by_its_value()
    {
        using var cluster = await TestCluster.StartAsync();
        const string group = "valueless-headers";
        var named = TestEvents.ReservationCreated();
        var behind = TestEvents.ReservationCreated();

        // Our three headers in the relay's order, but two of them with no value at all (Kafka allows null values).
        static Headers Valueless(IntegrationEvent @event) => new()
        {
            { KafkaHeaders.EventType, null },
            { KafkaHeaders.EventId, Encoding.UTF8.GetBytes(@event.EventId.ToString()) },
            { KafkaHeaders.TraceParent, null },
        };

        using (var producer = TestClients.Producer(cluster.BootstrapServers))
        {
            await producer.ProduceAsync(new TopicPartition(Topic, 0),
                new Message<string, string> { Key = named.Key, Value = EventSerializer.Serialize(named), Headers = Valueless(named) });
            await producer.ProduceAsync(new TopicPartition(Topic, 0),
                new Message<string, string> { Key = "garbage-key", Value = "this is { not JSON", Headers = Valueless(behind) });
            await producer.ProduceAsync(behind, partition: 0);
        }

        var handler = new TestEventHandler();
        await using var host = MessagingTestHost.Create(cluster, output, "consumer",
            services => services.AddTestConsumerGroup(group, [Topic], runHere: true, (_, _) => handler));
        await host.StartAsync();

        await Eventually.WaitUntilAsync(
            () => handler.HasHandled(named.EventId) && handler.HasHandled(behind.EventId),
            "the event with valueless headers is decoded from its value, and the event behind the garbage is handled");
        var deadLetter = Assert.Single(KafkaProbe.ReadAll(cluster.BootstrapServers, DeadLetterTopic));
        Assert.Equal("garbage-key", deadLetter.Message.Key);
        Assert.Equal("0", deadLetter.Header(KafkaHeaders.DeadLetterAttempts));
        Assert.Equal(2, handler.Handled.Count);
    }

    [Fact]
    public async Task Record_whose_value_is_not_the_event_its_headers_name_goes_to_the_DLT_without_retries()
    {
        // The runtime reads a record's identity from its headers and decodes the value only when the handler asks:
        // a value that turns out unreadable then must be as poisonous as garbage caught up front.
        using var cluster = await TestCluster.StartAsync();
        const string group = "poison-late";
        var announced = TestEvents.ReservationCreated();
        var mistyped = EventSerializer.Serialize(announced).Replace(
            $"\"seatId\":{announced.SeatId}", "\"seatId\":\"eleven\"", StringComparison.Ordinal);
        Assert.NotEqual(EventSerializer.Serialize(announced), mistyped);
        var impostor = TestEvents.ReservationCreated();
        var valid = TestEvents.ReservationCreated();
        using (var producer = TestClients.Producer(cluster.BootstrapServers))
        {
            await producer.ProduceAsync(new TopicPartition(Topic, 0), WithHeadersOf(announced, mistyped));

            // Well-formed, but not the event the headers name.
            await producer.ProduceAsync(new TopicPartition(Topic, 0), WithHeadersOf(announced, EventSerializer.Serialize(impostor)));
            await producer.ProduceAsync(valid, partition: 0);
        }

        var handler = new TestEventHandler();
        await using var host = MessagingTestHost.Create(cluster, output, "consumer",
            services => services.AddTestConsumerGroup(group, [Topic], runHere: true, (_, _) => handler));
        await host.StartAsync();

        await Eventually.WaitUntilAsync(() => handler.HasHandled(valid.EventId), "the event behind the two bad records is handled");
        await Eventually.WaitUntilAsync(
            () => KafkaProbe.ReadAll(cluster.BootstrapServers, DeadLetterTopic).Count == 2, "both bad records are on the DLT");

        var deadLetters = KafkaProbe.ReadAll(cluster.BootstrapServers, DeadLetterTopic);
        Assert.Equal([mistyped, EventSerializer.Serialize(impostor)], deadLetters.Select(d => Encoding.UTF8.GetString(d.Message.Value!)));
        Assert.All(deadLetters, d =>
        {
            Assert.Equal("0", d.Header(KafkaHeaders.DeadLetterAttempts));
            Assert.Equal(announced.EventId.ToString(), d.Header(KafkaHeaders.EventId));
            var exceptionType = typeof(JsonException).Assembly.GetType(d.Header(KafkaHeaders.DeadLetterExceptionType)!);
            Assert.True(exceptionType?.IsAssignableTo(typeof(JsonException)), $"{d.Header(KafkaHeaders.DeadLetterExceptionType)} is not a JsonException.");
        });
        Assert.Empty(handler.FailedAttempts);
        Assert.False(handler.HasHandled(announced.EventId));
        Assert.False(handler.HasHandled(impostor.EventId));
    }

    private static Message<string, string> WithHeadersOf(IntegrationEvent @event, string value) => new()
    {
        Key = @event.Key,
        Value = value,
        Headers = new Headers
        {
            { KafkaHeaders.EventType, Encoding.UTF8.GetBytes(@event.EventType) },
            { KafkaHeaders.EventId, Encoding.UTF8.GetBytes(@event.EventId.ToString()) },
        },
    };

    [Fact]
    public async Task Failing_event_is_retried_at_the_backoff_then_parked_and_the_events_behind_it_are_handled()
    {
        using var cluster = await TestCluster.StartAsync();
        const string group = "poison-handler";
        var poison = TestEvents.ReservationCreated();
        var behind = TestEvents.ReservationCreated();
        var elsewhere = new[] { TestEvents.ReservationCreated(), TestEvents.ReservationCreated() };
        DeliveryResult<string, string> poisonDelivery;
        using (var producer = TestClients.Producer(cluster.BootstrapServers))
        {
            poisonDelivery = await producer.ProduceAsync(poison, partition: 0);
            await producer.ProduceAsync(behind, partition: 0);
            await producer.ProduceAsync(elsewhere[0], partition: 1);
            await producer.ProduceAsync(elsewhere[1], partition: 2);
        }

        var handler = new TestEventHandler { FailWhen = e => e.Event.EventId == poison.EventId };
        await using var host = MessagingTestHost.Create(cluster, output, "consumer",
            services => services.AddTestConsumerGroup(group, [Topic], runHere: true, (_, _) => handler));
        await host.StartAsync();

        // The whole budget is 3 s, so allow it on top of the usual bound.
        await Eventually.WaitUntilAsync(
            () => handler.HasHandled(behind.EventId) && elsewhere.All(e => handler.HasHandled(e.EventId)),
            "the event behind the poison and the events on the other partitions are handled",
            TestClients.Timeout + TimeSpan.FromSeconds(5));

        // One batch attempt, then the record on its own: one attempt and 3 retries.
        var attempts = handler.FailedAttempts[poison.EventId].ToArray();
        Assert.Equal(5, attempts.Length);
        var retrying = Stopwatch.GetElapsedTime(attempts[1], attempts[^1]);

        // Three 1 s backoffs; a few ms of slack because timers and Stopwatch tick on different clocks.
        Assert.True(retrying >= TimeSpan.FromSeconds(3) - TimeSpan.FromMilliseconds(30), $"The retries took only {retrying}.");
        Assert.False(handler.HasHandled(poison.EventId));

        var deadLetter = Assert.Single(KafkaProbe.ReadAll(cluster.BootstrapServers, DeadLetterTopic));

        // The record as it came, its headers first and in their order, then the dead letter's own.
        Assert.Equal(
            [KafkaHeaders.EventType, KafkaHeaders.EventId, KafkaHeaders.TraceParent],
            deadLetter.Message.Headers.Take(3).Select(h => h.Key));
        Assert.Equal(poison.EventType, deadLetter.Header(KafkaHeaders.EventType));
        Assert.Equal(poison.EventId.ToString(), deadLetter.Header(KafkaHeaders.EventId));
        Assert.Equal(TestEvents.TraceParentOf(poison), deadLetter.Header(KafkaHeaders.TraceParent));
        Assert.Equal(EventSerializer.Serialize(poison), Encoding.UTF8.GetString(deadLetter.Message.Value!));
        Assert.Equal(poison.Key, deadLetter.Message.Key);
        Assert.Equal(poisonDelivery.Offset.Value.ToString(CultureInfo.InvariantCulture), deadLetter.Header(KafkaHeaders.DeadLetterOriginalOffset));
        Assert.Equal("4", deadLetter.Header(KafkaHeaders.DeadLetterAttempts));
        Assert.Equal(typeof(InvalidOperationException).FullName, deadLetter.Header(KafkaHeaders.DeadLetterExceptionType));
        Assert.Contains(poison.EventId.ToString(), deadLetter.Header(KafkaHeaders.DeadLetterExceptionMessage), StringComparison.Ordinal);

        // Order within the partition holds: what was behind the poison is handled only once it is parked.
        var handledBehind = handler.Handled.Single(e => e.Event.EventId == behind.EventId);
        Assert.Equal(poisonDelivery.Offset.Value + 1, handledBehind.Offset);
        await Eventually.WaitUntilAsync(
            () => KafkaProbe.Committed(cluster.BootstrapServers, group, Topic)[0] > handledBehind.Offset,
            "the group's committed offset on partition 0 is past the poison and the event behind it");
    }

    [Fact]
    public async Task Stopping_while_retrying_leaves_the_record_to_the_next_owner_instead_of_dead_lettering_it()
    {
        using var cluster = await TestCluster.StartAsync();
        const string group = "stop-while-retrying";
        var failing = TestEvents.ReservationCreated();
        DeliveryResult<string, string> failingDelivery;
        using (var producer = TestClients.Producer(cluster.BootstrapServers))
        {
            failingDelivery = await producer.ProduceAsync(failing, partition: 0);
        }

        var handler = new TestEventHandler { FailWhen = e => e.Event.EventId == failing.EventId };
        await using var host = MessagingTestHost.Create(cluster, output, "consumer",
            services => services.AddTestConsumerGroup(group, [Topic], runHere: true, (_, _) => handler));
        await host.StartAsync();

        // The batch attempt and the first attempt on its own have failed: the record now waits out its first backoff.
        await Eventually.WaitUntilAsync(
            () => handler.FailedAttempts.TryGetValue(failing.EventId, out var attempts) && attempts.Count >= 2,
            "the record has failed and waits for its first retry");
        await host.StopAsync();

        // A deploy or scale-in must not turn what may be a passing failure (a database failover, say) into a dead
        // letter by running the remaining retries without their backoff: the next owner gets the full budget.
        Assert.True(handler.FailedAttempts[failing.EventId].Count < 5, "The retries ran on during shutdown.");
        Assert.Empty(KafkaProbe.ReadAll(cluster.BootstrapServers, DeadLetterTopic));
        Assert.True(KafkaProbe.Committed(cluster.BootstrapServers, group, Topic)[0] <= failingDelivery.Offset.Value,
            "The group committed past a record it neither handled nor dead-lettered.");
    }

    [Fact]
    public async Task Event_of_an_unknown_type_is_skipped_not_dead_lettered()
    {
        using var cluster = await TestCluster.StartAsync();
        const string group = "unknown-type";
        var next = TestEvents.ReservationCreated();
        DeliveryResult<string, string> nextDelivery;
        using (var producer = TestClients.Producer(cluster.BootstrapServers))
        {
            // Well-formed and with the envelope, from a producer newer than this consumer.
            await producer.ProduceAsync(new TopicPartition(Topic, 0), new Message<string, string>
            {
                Key = "reservation-1",
                Value = $$"""{"eventId":"{{Guid.NewGuid()}}","occurredAt":"2026-01-01T00:00:00Z","eventType":"SOMETHING_NEW","reservationId":1}""",
            });
            nextDelivery = await producer.ProduceAsync(next, partition: 0);
        }

        var handler = new TestEventHandler();
        await using var host = MessagingTestHost.Create(cluster, output, "consumer",
            services => services.AddTestConsumerGroup(group, [Topic], runHere: true, (_, _) => handler),
            settings: new Dictionary<string, string?> { ["Kafka:Retry:Backoff"] = "00:00:00.100" });
        await host.StartAsync();

        await Eventually.WaitUntilAsync(() => handler.HasHandled(next.EventId), "the event behind the unknown one is handled");
        Assert.Single(handler.Handled);
        Assert.Empty(KafkaProbe.ReadAll(cluster.BootstrapServers, DeadLetterTopic));
        Assert.Contains(host.Logs.Entries, e => e.Message.Contains("unknown type SOMETHING_NEW", StringComparison.Ordinal));
        await Eventually.WaitUntilAsync(
            () => KafkaProbe.Committed(cluster.BootstrapServers, group, Topic)[0] > nextDelivery.Offset.Value,
            "the group's committed offset on partition 0 is past both records");
    }
}
