using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

using ConcertBooking.Contracts;
using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Messaging.Hosting;
using ConcertBooking.Messaging.Outbox;

using Confluent.Kafka;

using Xunit.Abstractions;

namespace ConcertBooking.Messaging.Tests;

/// <summary>Schema versions on the wire: written with every event, read back within the window a release reads,
/// refused with a reason outside it.</summary>
public sealed class EventSchemaTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset At = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static readonly ReservationCreated Created = new(1, 2, 3, 4, 45_000, "fan@example.com", "Jazz Night")
    {
        OccurredAt = At,
        ExpiresAt = At.AddMinutes(5),
    };

    [Fact]
    public void Every_event_type_has_a_schema_and_every_schema_an_event_type()
    {
        var derived = typeof(IntegrationEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(IntegrationEvent)) && !t.IsAbstract);

        Assert.Equal(derived.OrderBy(t => t.Name), EventSchemas.All.Select(s => s.ClrType).OrderBy(t => t.Name));
    }

    [Fact]
    public void An_event_is_written_at_its_current_version_right_after_its_type()
    {
        var json = EventSerializer.Serialize(Created);

        Assert.StartsWith("""{"eventType":"RESERVATION_CREATED","schemaVersion":2,"eventId":""", json, StringComparison.Ordinal);
        Assert.Equal((EventTypes.ReservationCreated, 2), EventSchemas.Peek(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void The_relay_labels_each_record_with_the_version_of_its_value()
    {
        var current = OutboxMessage.From(Created).ToKafkaMessage();
        Assert.Equal("2", Header(current.Headers, KafkaHeaders.SchemaVersion));

        // A row an older release committed, without a version: it is version 1 and labelled so.
        var old = OutboxMessage.From(Created);
        typeof(OutboxMessage).GetProperty(nameof(OutboxMessage.Payload))!.SetValue(old, V1Json(Created, withExpiresAt: false));
        Assert.Equal("1", Header(old.ToKafkaMessage().Headers, KafkaHeaders.SchemaVersion));
    }

    [Fact]
    public void A_version_1_hold_is_upcast_and_fields_a_reader_does_not_know_are_ignored()
    {
        var v1 = JsonNode.Parse(V1Json(Created, withExpiresAt: false))!.AsObject();
        v1["seatLabel"] = "Row A, seat 4";
        v1["promotion"] = new JsonObject { ["code"] = "EARLY" };

        var read = EventSerializer.Deserialize(Encoding.UTF8.GetBytes(v1.ToJsonString()), new UpcastDefaults(TimeSpan.FromMinutes(9)), out var version);

        Assert.Equal(1, version);
        Assert.Equal(Created with { ExpiresAt = At.AddMinutes(9) }, read);
    }

    public static TheoryData<string, string> Refused => new()
    {
        { """{"eventType":"RESERVATION_CREATED","schemaVersion":3}""", "RESERVATION_CREATED schema version 3 is newer than this consumer reads (versions 1 to 2): upgrade the consumer, then replay its dead letters." },
        { """{"eventType":"PAYMENT_COMPLETED","schemaVersion":2}""", "PAYMENT_COMPLETED schema version 2 is newer than this consumer reads (version 1): upgrade the consumer, then replay its dead letters." },
        { """{"eventType":"RESERVATION_CREATED","schemaVersion":0}""", "RESERVATION_CREATED schema version 0 is older than this consumer reads (versions 1 to 2)." },
        { """{"eventType":"QUEUE_JOINED","schemaVersion":"1"}""", "schemaVersion is not a whole number." },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_version_this_release_does_not_read_is_refused_with_the_reason(string json, string reason)
    {
        var refused = Assert.ThrowsAny<JsonException>(() => EventSerializer.Deserialize(Encoding.UTF8.GetBytes(json), UpcastDefaults.Standard));

        Assert.Equal(reason, refused.Message);
    }

    [Fact]
    public void A_release_that_moves_an_event_to_version_3_reads_2_and_3_and_refuses_1()
    {
        var tomorrow = new EventSchema(EventTypes.ReservationCreated, typeof(ReservationCreated), Current: 3, (v2, _) => v2);

        Assert.Equal((2, 3), (tomorrow.Oldest, tomorrow.Current));
        Assert.Null(tomorrow.Refusal(2));
        Assert.Null(tomorrow.Refusal(3));
        Assert.Equal("RESERVATION_CREATED schema version 1 is older than this consumer reads (versions 2 to 3).", tomorrow.Refusal(1));
    }

    [Fact]
    public void A_record_whose_header_and_value_disagree_on_the_version_is_refused_when_read()
    {
        var message = OutboxMessage.From(Created).ToKafkaMessage();
        var headers = new Headers();
        foreach (var header in message.Headers)
        {
            headers.Add(header.Key, header.Key == KafkaHeaders.SchemaVersion ? "1"u8.ToArray() : header.GetValueBytes());
        }

        var record = new ConsumeResult<string?, byte[]?>
        {
            TopicPartitionOffset = new TopicPartitionOffset(Topics.ReservationEvents, 0, 0),
            Message = new Message<string?, byte[]?> { Key = message.Key, Value = message.Value, Headers = headers },
        };
        var decoded = EventDecoder.Decode(record, Topics.ReservationEvents, new EventReader(UpcastDefaults.Standard, TimeProvider.System));

        Assert.Equal(DecodeOutcome.Event, decoded.Outcome);
        Assert.False(decoded.Event!.TryDecode(out var error));
        Assert.Equal("The value is at schema version 2, the headers say 1.", error!.Message);
    }

    [Fact]
    public async Task A_future_version_goes_to_the_DLT_with_the_reason_and_the_events_behind_it_are_handled()
    {
        using var cluster = await TestCluster.StartAsync();
        var future = TestEvents.ReservationCreated();
        var futureJson = EventSerializer.Serialize(future).Replace("\"schemaVersion\":2", "\"schemaVersion\":3", StringComparison.Ordinal);
        var unlabelled = TestEvents.ReservationCreated();
        var unlabelledJson = EventSerializer.Serialize(unlabelled).Replace("\"schemaVersion\":2", "\"schemaVersion\":3", StringComparison.Ordinal);
        var valid = TestEvents.ReservationCreated();
        using (var producer = TestClients.Producer(cluster.BootstrapServers))
        {
            // Named by its headers, as a newer relay writes it, then with no headers at all, as kcat would.
            await producer.ProduceAsync(new TopicPartition(Topics.ReservationEvents, 0), new Message<string, string>
            {
                Key = future.Key,
                Value = futureJson,
                Headers = new Headers
                {
                    { KafkaHeaders.EventType, Encoding.UTF8.GetBytes(future.EventType) },
                    { KafkaHeaders.EventId, Encoding.UTF8.GetBytes(future.EventId.ToString()) },
                    { KafkaHeaders.TraceParent, Encoding.UTF8.GetBytes(TestEvents.TraceParentOf(future)) },
                    { KafkaHeaders.SchemaVersion, "3"u8.ToArray() },
                },
            });
            await producer.ProduceAsync(new TopicPartition(Topics.ReservationEvents, 0), new Message<string, string> { Key = unlabelled.Key, Value = unlabelledJson });
            await producer.ProduceAsync(valid, partition: 0);
        }

        var handler = new TestEventHandler();
        await using var host = MessagingTestHost.Create(cluster, output, "consumer",
            services => services.AddTestConsumerGroup("future-version", [Topics.ReservationEvents], runHere: true, (_, _) => handler));
        await host.StartAsync();

        await Eventually.WaitUntilAsync(() => handler.HasHandled(valid.EventId), "the event behind the future versions is handled");
        var deadLetters = KafkaProbe.ReadAll(cluster.BootstrapServers, TopicNames.ReservationEventsDeadLetter);
        // Dead letters keep their key, so they may land on different partitions of the DLT.
        Assert.Equal(new[] { futureJson, unlabelledJson }.Order(), deadLetters.Select(d => Encoding.UTF8.GetString(d.Message.Value!)).Order());
        Assert.All(deadLetters, d =>
        {
            Assert.Equal(typeof(EventVersionException).FullName, d.Header(KafkaHeaders.DeadLetterExceptionType));
            Assert.Equal(
                "RESERVATION_CREATED schema version 3 is newer than this consumer reads (versions 1 to 2): upgrade the consumer, then replay its dead letters.",
                d.Header(KafkaHeaders.DeadLetterExceptionMessage));
            Assert.Equal("0", d.Header(KafkaHeaders.DeadLetterAttempts));
        });
        Assert.Equal([valid.EventId], handler.HandledIds);
    }

    /// <summary>The JSON a release before schema versions wrote for <paramref name="event"/>.</summary>
    private static string V1Json(ReservationCreated @event, bool withExpiresAt)
    {
        var json = JsonNode.Parse(EventSerializer.Serialize(@event))!.AsObject();
        json.Remove(EventSchemas.VersionPropertyName);
        if (!withExpiresAt)
        {
            json.Remove("expiresAt");
        }

        return json.ToJsonString();
    }

    private static string? Header(Headers headers, string key) =>
        headers.TryGetLastBytes(key, out var value) ? Encoding.UTF8.GetString(value) : null;
}
