using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;

using ConcertBooking.Contracts;
using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Messaging.Embedded;

using Confluent.Kafka;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Messaging.Tests;

/// <summary>
/// A consumer group's business logic as the tests see it: it records what it handled, and can be told to fail on
/// chosen events or to hold a batch until released. It fails a whole batch without recording any of it, as a
/// handler whose database transaction rolls back would.
/// </summary>
internal sealed class TestEventHandler : IEventBatchHandler
{
    private readonly ConcurrentDictionary<Guid, int> _handledCount = new();

    public ConcurrentQueue<ConsumedEvent> Handled { get; } = new();

    /// <summary>Stopwatch timestamps of every call that failed, per event that made it fail.</summary>
    public ConcurrentDictionary<Guid, ConcurrentQueue<long>> FailedAttempts { get; } = new();

    public Func<ConsumedEvent, bool> FailWhen { get; init; } = static _ => false;

    /// <summary>Awaited before a batch containing the event is handled: stands for slow work still in flight.</summary>
    public Func<ConsumedEvent, Task?> HoldWhen { get; init; } = static _ => null;

    public bool HasHandled(Guid eventId) => _handledCount.ContainsKey(eventId);

    public int TimesHandled(Guid eventId) => _handledCount.GetValueOrDefault(eventId);

    public IReadOnlySet<Guid> HandledIds => _handledCount.Keys.ToHashSet();

    public async Task HandleAsync(IReadOnlyList<ConsumedEvent> events, CancellationToken cancellationToken)
    {
        foreach (var consumed in events)
        {
            if (HoldWhen(consumed) is { } hold)
            {
                await hold;
            }
        }

        if (events.FirstOrDefault(FailWhen) is { } poison)
        {
            FailedAttempts.GetOrAdd(poison.Event.EventId, _ => new()).Enqueue(Stopwatch.GetTimestamp());
            throw new InvalidOperationException($"The test handler refuses event {poison.Event.EventId}.");
        }

        // All or nothing, as a handler's transaction: every event is read before any is recorded.
        var decoded = events.Select(e => (Consumed: e, e.Event)).ToList();
        foreach (var (consumed, @event) in decoded)
        {
            Handled.Enqueue(consumed);
            _handledCount.AddOrUpdate(@event.EventId, 1, static (_, n) => n + 1);
        }
    }
}

internal static class TestEvents
{
    private static long _nextId = 1_000;

    public static ReservationCreated ReservationCreated() =>
        new(Interlocked.Increment(ref _nextId), UserId: 7, ConcertId: 3, SeatId: 11, Amount: 50_000, "fan@example.com", "Test Concert")
        {
            OccurredAt = DateTimeOffset.UtcNow,
            ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(5),
        };

    /// <summary>An event as the relay would put it on the wire, but onto a partition the test chooses.</summary>
    public static Task<DeliveryResult<string, string>> ProduceAsync(
        this IProducer<string, string> producer, IntegrationEvent @event, int partition) =>
        producer.ProduceAsync(new TopicPartition(@event.Topic, partition), new Message<string, string>
        {
            Key = @event.Key,
            Value = EventSerializer.Serialize(@event),
            Headers = new Headers
            {
                { KafkaHeaders.EventType, Encoding.UTF8.GetBytes(@event.EventType) },
                { KafkaHeaders.EventId, Encoding.UTF8.GetBytes(@event.EventId.ToString()) },
                { KafkaHeaders.TraceParent, Encoding.UTF8.GetBytes(TraceParentOf(@event)) },
            },
        });

    /// <summary>A W3C traceparent of the event's own, so a test can tell it came through untouched.</summary>
    public static string TraceParentOf(IntegrationEvent @event) => $"00-{@event.EventId:N}-{@event.EventId.ToString("N")[..16]}-01";
}

internal static class TestCluster
{
    /// <summary>Creates the system's topics on the cluster, as the embedded cluster's owner does.</summary>
    public static KafkaTopicProvisioner Provisioner(EmbeddedKafkaCluster cluster) =>
        new(Options.Create(new KafkaOptions()), cluster.BootstrapServers, NullLogger<KafkaTopicProvisioner>.Instance,
            new EmbeddedTopicCreator(cluster, NullLogger.Instance));

    /// <summary>A fresh cluster per test, so a test's offsets, dead letters and groups cannot leak into another.</summary>
    public static async Task<EmbeddedKafkaCluster> StartAsync()
    {
        var cluster = EmbeddedKafkaCluster.Start(brokerCount: 3);
        try
        {
            // A new group's first member waits this long before it gets partitions; nobody else is coming.
            cluster.SetGroupInitialRebalanceDelay(TimeSpan.Zero);

            // The hosts run in external mode, where provisioning goes through the AdminClient, which the mock does
            // not serve; with the topics already there it only checks them, as against a provisioned real cluster.
            using var timeout = new CancellationTokenSource(TestClients.Timeout);
            await Provisioner(cluster).ProvisionAsync(timeout.Token);
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }
}

/// <summary>Looks at the cluster the way an operator would: what is on a topic, what a group has committed.</summary>
internal static class KafkaProbe
{
    public const int Partitions = 3;

    /// <summary>Every record on the topic up to its current end, in partition and offset order.</summary>
    public static List<ConsumeResult<string?, byte[]?>> ReadAll(string bootstrapServers, string topic)
    {
        using var consumer = new ConsumerBuilder<string?, byte[]?>(new ConsumerConfig
            {
                BootstrapServers = bootstrapServers,
                GroupId = "probe-" + Guid.NewGuid().ToString("N"),
                EnableAutoCommit = false,
                FetchWaitMaxMs = 10,
            })
            .SetLogHandler(static (_, _) => { })
            .Build();

        var ends = Enumerable.Range(0, Partitions)
            .Select(p => new TopicPartition(topic, p))
            .ToDictionary(tp => tp, tp => consumer.QueryWatermarkOffsets(tp, TestClients.Timeout));
        var pending = ends.Where(e => e.Value.High > e.Value.Low).ToDictionary(e => e.Key, e => e.Value.High.Value);
        consumer.Assign(pending.Keys.Select(tp => new TopicPartitionOffset(tp, ends[tp].Low)));

        var records = new List<ConsumeResult<string?, byte[]?>>();
        var waited = Stopwatch.StartNew();
        while (pending.Count > 0)
        {
            Assert.True(waited.Elapsed < TestClients.Timeout, $"Reading {topic} to its end timed out; still missing {string.Join(", ", pending.Keys)}.");
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } record)
            {
                records.Add(record);
                if (record.Offset.Value + 1 >= pending.GetValueOrDefault(record.TopicPartition, long.MinValue))
                {
                    pending.Remove(record.TopicPartition);
                }
            }
        }

        return [.. records.OrderBy(r => r.Partition.Value).ThenBy(r => r.Offset.Value)];
    }

    /// <summary>The group's committed offsets on the topic, by partition (<see cref="Offset.Unset"/> if none).</summary>
    public static Dictionary<int, long> Committed(string bootstrapServers, string groupId, string topic)
    {
        // A consumer that never subscribes does not join the group, so asking does not disturb its members.
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
            {
                BootstrapServers = bootstrapServers,
                GroupId = groupId,
                EnableAutoCommit = false,
            })
            .SetLogHandler(static (_, _) => { })
            .Build();
        return consumer.Committed(Enumerable.Range(0, Partitions).Select(p => new TopicPartition(topic, p)), TestClients.Timeout)
            .ToDictionary(o => o.Partition.Value, o => o.Offset.Value);
    }

    public static string? Header(this ConsumeResult<string?, byte[]?> record, string key) =>
        record.Message.Headers?.TryGetLastBytes(key, out var value) == true ? Encoding.UTF8.GetString(value) : null;
}

internal static class Eventually
{
    /// <summary>Waits for a condition the system under test brings about, failing with <paramref name="what"/> on timeout.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TestClients.Timeout;
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting until {what}.");
            }

            // A polling interval, not a guess at how long the system needs: the condition decides.
            await Task.Delay(25);
        }
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TestClients.Timeout;
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting until {what}.");
            }

            await Task.Delay(25);
        }
    }
}

/// <summary>Sums what one host's instance of a messaging counter records; other hosts in the test process publish
/// on meters of the same name, so the probe listens only to meters from this host's factory.</summary>
internal sealed class CounterProbe : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public CounterProbe(IServiceProvider services, string instrumentName)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == instrumentName && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
