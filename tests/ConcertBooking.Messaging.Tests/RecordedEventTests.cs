using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

using ConcertBooking.Contracts;
using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Messaging.Hosting;

using Confluent.Kafka;

using Microsoft.Extensions.Time.Testing;

using Xunit.Abstractions;

namespace ConcertBooking.Messaging.Tests;

/// <summary>
/// Version 1 events recorded from releases before schema versions (see <see cref="RecordedRecord"/>) stay readable:
/// by this release's consumer, which upcasts them, and by today's consumer reading what this release writes.
/// </summary>
public sealed class RecordedEventTests(ITestOutputHelper output)
{
    private static readonly UpcastDefaults Defaults = UpcastDefaults.Standard;

    public static TheoryData<string> Files => [RecordedRecord.BeforeExpiresAt, RecordedRecord.WithExpiresAt];

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_recorded_event_a_consumer_reads_is_decoded_at_version_1_and_meets_its_contract(string file)
    {
        var records = RecordedRecord.Load(file);
        var reader = new EventReader(Defaults, new FakeTimeProvider(records.Max(r => r.Timestamp)));
        var consumed = 0;
        foreach (var record in records)
        {
            var decoded = EventDecoder.Decode(Consume(record), record.Topic, reader);
            var eventType = record.Header(KafkaHeaders.EventType)!;
            if (!EventDecoder.ConsumedTypes.Contains(eventType))
            {
                Assert.Equal(DecodeOutcome.UnknownType, decoded.Outcome);
                continue;
            }

            Assert.Equal((DecodeOutcome.Event, eventType), (decoded.Outcome, decoded.EventType));
            Assert.True(decoded.Event!.TryDecode(out var error), $"{record.Topic}/{record.Partition}/{record.Offset}: {error?.Message}");
            var @event = decoded.Event.Event;
            Assert.Equal(record.Header(KafkaHeaders.EventId), @event.EventId.ToString());
            Assert.Equal(record.Key, @event.Key);

            // Every field of the recorded JSON is read into the event, with its value.
            var written = JsonNode.Parse(EventSerializer.Serialize(@event))!.AsObject();
            foreach (var (name, value) in JsonNode.Parse(record.Payload)!.AsObject())
            {
                Assert.True(SameValue(value, written[name]), $"{eventType}.{name}: recorded {value?.ToJsonString()}, read {written[name]?.ToJsonString()}");
            }

            consumed++;
        }

        Assert.True(consumed >= 10, $"only {consumed} recorded events were consumed");
    }

    [Fact]
    public void A_recorded_hold_without_expiresAt_expires_the_hold_duration_after_it_occurred()
    {
        var holds = RecordedRecord.Load(RecordedRecord.BeforeExpiresAt)
            .Where(r => r.Header(KafkaHeaders.EventType) == EventTypes.ReservationCreated)
            .ToList();
        Assert.NotEmpty(holds);
        var defaults = new UpcastDefaults(TimeSpan.FromMinutes(7));
        foreach (var hold in holds)
        {
            var created = Assert.IsType<ReservationCreated>(EventSerializer.Deserialize(Encoding.UTF8.GetBytes(hold.Payload), defaults, out var version));
            Assert.Equal(1, version);
            Assert.Equal(created.OccurredAt + TimeSpan.FromMinutes(7), created.ExpiresAt);
        }
    }

    [Fact]
    public void A_recorded_hold_with_expiresAt_keeps_it()
    {
        var hold = RecordedRecord.Load(RecordedRecord.WithExpiresAt).First(r => r.Header(KafkaHeaders.EventType) == EventTypes.ReservationCreated);
        var recorded = JsonNode.Parse(hold.Payload)!["expiresAt"]!.GetValue<DateTimeOffset>();

        var created = Assert.IsType<ReservationCreated>(EventSerializer.Deserialize(Encoding.UTF8.GetBytes(hold.Payload), new UpcastDefaults(TimeSpan.FromHours(3))));

        Assert.Equal(recorded, created.ExpiresAt);
    }

    /// <summary>
    /// Today's consumer reads a value into its records, ignoring fields it does not know; it breaks only when a field
    /// it reads is missing or of another JSON kind. So each field of a recorded event must still be in what this
    /// release writes for the same event, with the same kind.
    /// </summary>
    [Fact]
    public void What_this_release_writes_has_every_field_today_s_consumer_reads_with_the_same_kind()
    {
        foreach (var record in RecordedRecord.All)
        {
            var @event = EventSerializer.Deserialize(Encoding.UTF8.GetBytes(record.Payload), Defaults);
            var written = JsonNode.Parse(EventSerializer.Serialize(@event))!.AsObject();
            foreach (var (name, value) in JsonNode.Parse(record.Payload)!.AsObject())
            {
                Assert.True(written.ContainsKey(name), $"{@event.EventType} no longer writes {name}");
                Assert.Equal((name, value!.GetValueKind()), (name, written[name]!.GetValueKind()));
            }
        }
    }

    [Fact]
    public async Task Recorded_records_replayed_onto_a_cluster_are_all_handled_and_none_is_dead_lettered()
    {
        using var cluster = await TestCluster.StartAsync();
        var records = RecordedRecord.All;
        using (var producer = new ProducerBuilder<string?, byte[]?>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers }).Build())
        {
            foreach (var record in records)
            {
                await producer.ProduceAsync(new TopicPartition(record.Topic, record.Partition), record.ToMessage());
            }
        }

        var expected = records
            .Where(r => EventDecoder.ConsumedTypes.Contains(r.Header(KafkaHeaders.EventType)!))
            .Select(r => Guid.Parse(r.Header(KafkaHeaders.EventId)!))
            .ToHashSet();
        var handler = new TestEventHandler();
        await using var host = MessagingTestHost.Create(cluster, output, "consumer",
            services => services.AddTestConsumerGroup("recorded-v1", Topics.All, runHere: true, (_, _) => handler));
        await host.StartAsync();

        await Eventually.WaitUntilAsync(() => expected.IsSubsetOf(handler.HandledIds), $"all {expected.Count} recorded events are handled");
        Assert.Equal(expected, handler.HandledIds);
        Assert.Empty(handler.FailedAttempts);
        Assert.All(handler.Handled.Select(h => h.Event).OfType<ReservationCreated>(), created => Assert.True(created.ExpiresAt > created.OccurredAt));
        foreach (var topic in Topics.All)
        {
            Assert.Empty(KafkaProbe.ReadAll(cluster.BootstrapServers, topic + TopicNames.DeadLetterSuffix));
        }
    }

    private static ConsumeResult<string?, byte[]?> Consume(RecordedRecord record) => new()
    {
        TopicPartitionOffset = new TopicPartitionOffset(record.Topic, record.Partition, record.Offset),
        Message = record.ToMessage(),
    };

    /// <summary>Timestamps compare as instants: the recorded ones have 7 fractional digits where the serializer may
    /// write fewer.</summary>
    private static bool SameValue(JsonNode? recorded, JsonNode? read) =>
        recorded is JsonValue r && read is JsonValue w && r.TryGetValue(out DateTimeOffset a) && w.TryGetValue(out DateTimeOffset b)
            ? a == b
            : JsonNode.DeepEquals(recorded, read);
}
