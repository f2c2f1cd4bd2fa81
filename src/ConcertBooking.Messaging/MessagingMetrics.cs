using System.Diagnostics;
using System.Diagnostics.Metrics;
using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Messaging.Telemetry;

namespace ConcertBooking.Messaging;

/// <summary>
/// The messaging instruments (seed 7.8), published on the <c>ConcertBooking.Messaging</c> meter. Names follow
/// OpenTelemetry's messaging conventions where one exists (<c>messaging.*</c>), ours are <c>concertbooking.*</c>;
/// per-group instruments carry <c>messaging.consumer.group.name</c>.
/// </summary>
public sealed class MessagingMetrics : IDisposable
{
    public const string MeterName = "ConcertBooking.Messaging";

    // OpenTelemetry's recommended boundaries for durations in seconds (as for http.server.request.duration).
    private static readonly IReadOnlyList<double> DurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
    private static readonly KeyValuePair<string, object?> Kafka = new(MessagingTags.MessagingSystem, MessagingTags.SystemKafka);
    private readonly Meter _meter;
    private long _outboxBacklog;
    private long _oldestPendingTicks;
    private int _outboxReported;

    public MessagingMetrics(IMeterFactory meters, TimeProvider clock, ConsumerGroupMonitor groups)
    {
        _meter = meters.Create(MeterName);
        SentMessages = _meter.CreateCounter<long>("messaging.client.sent.messages", "{message}", "Outbox events delivered to Kafka by the relay");
        SendDuration = Duration("messaging.client.operation.duration", "One batch publish of the relay: from producing its first outbox event to the last delivery report (acks=all), per topic");
        ConsumedMessages = _meter.CreateCounter<long>("messaging.client.consumed.messages", "{message}", "Records a group received from Kafka");
        ProcessDuration = Duration("messaging.process.duration", "One call of a group's handler (a batch, one transaction), per group");
        ProducerErrors = _meter.CreateCounter<long>("concertbooking.producer.errors", description: "Failed outbox publishing attempts");
        EventsRepublished = _meter.CreateCounter<long>("concertbooking.events.republished",
            description: "Outbox events that may already be on Kafka but stay pending after a delivery failure, so they are published again");
        EventsHandled = _meter.CreateCounter<long>("concertbooking.events.handled", "{event}", "Events a group's handler completed");
        EventsSkipped = _meter.CreateCounter<long>("concertbooking.events.skipped", description: "Events of an unknown type, skipped");
        HandlerFailures = _meter.CreateCounter<long>("concertbooking.handler.failures", description: "Handler attempts that threw");
        Retries = _meter.CreateCounter<long>("concertbooking.handler.retries", description: "Handler retries after a failure");
        DeadLettered = _meter.CreateCounter<long>("concertbooking.events.dead_lettered", description: "Records this process parked on a dead-letter topic, per group and topic");
        ConsumerStopped = _meter.CreateCounter<long>("concertbooking.consumer.stopped", description: "Consumer loops that stopped or restarted");
        Gaps = _meter.CreateCounter<long>("concertbooking.consumer.gaps",
            description: "Jumps past records a group never read (the cluster no longer had them), per group");
        CommitToHandled = Duration("concertbooking.events.commit_to_handled", "From the event's commit (occurredAt) to its handling by a group");
        _meter.CreateObservableGauge("concertbooking.outbox.backlog", ObserveBacklog, "{event}",
            "Outbox rows waiting to be published, as of the relay's last read (the lease holder only)");
        _meter.CreateObservableGauge("concertbooking.outbox.oldest_pending.age", () => ObserveOldestPending(clock), "s",
            "Age of the oldest outbox row not yet published (0 when none waits; the lease holder only)");
        ConsumerLagGauges.Register(_meter, groups);
        BookingCounters = new BookingEventCounters(_meter);
    }

    private Histogram<double> Duration(string name, string description) =>
        _meter.CreateHistogram(name, "s", description, tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    /// <summary>Holds, payments and sell-outs, counted as the relay publishes their events.</summary>
    internal BookingEventCounters BookingCounters { get; }

    public Counter<long> SentMessages { get; }

    public Histogram<double> SendDuration { get; }

    public Counter<long> ConsumedMessages { get; }

    public Histogram<double> ProcessDuration { get; }

    public Counter<long> ProducerErrors { get; }

    public Counter<long> EventsRepublished { get; }

    public Counter<long> EventsHandled { get; }

    public Counter<long> EventsSkipped { get; }

    public Counter<long> HandlerFailures { get; }

    public Counter<long> Retries { get; }

    public Counter<long> DeadLettered { get; }

    public Counter<long> ConsumerStopped { get; }

    public Counter<long> Gaps { get; }

    public Histogram<double> CommitToHandled { get; }

    public long OutboxBacklog => Interlocked.Read(ref _outboxBacklog);

    /// <summary>The tag every per-group instrument carries.</summary>
    public static KeyValuePair<string, object?> GroupTag(string groupId) => new(MessagingTags.ConsumerGroup, groupId);

    /// <summary>Tags of a producer or consumer measurement on one topic (and partition, for a consumer).</summary>
    public static TagList Tags(string operation, string topic, string? groupId = null, int? partition = null)
    {
        var tags = new TagList { Kafka, { MessagingTags.OperationName, operation }, { MessagingTags.DestinationName, topic } };
        if (groupId is not null)
        {
            tags.Add(MessagingTags.ConsumerGroup, groupId);
        }

        if (partition is { } p)
        {
            tags.Add(MessagingTags.PartitionId, MessagingTags.Partition(p));
        }

        return tags;
    }

    /// <summary>What the relay saw pending at its last read: how many rows, and when the oldest was committed.</summary>
    public void ReportOutboxBacklog(long pending, DateTimeOffset? oldestPending = null)
    {
        Interlocked.Exchange(ref _outboxBacklog, pending);
        Interlocked.Exchange(ref _oldestPendingTicks, pending == 0 || oldestPending is null ? 0 : oldestPending.Value.UtcTicks);
        Volatile.Write(ref _outboxReported, 1);
    }

    /// <summary>This process no longer publishes (it lost the lease): the lease holder reports the outbox.</summary>
    public void StopReportingOutbox() => Volatile.Write(ref _outboxReported, 0);

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> ObserveBacklog()
    {
        if (Volatile.Read(ref _outboxReported) == 1)
        {
            yield return new Measurement<long>(Interlocked.Read(ref _outboxBacklog));
        }
    }

    private IEnumerable<Measurement<double>> ObserveOldestPending(TimeProvider clock)
    {
        if (Volatile.Read(ref _outboxReported) == 1)
        {
            var ticks = Interlocked.Read(ref _oldestPendingTicks);
            yield return new Measurement<double>(ticks == 0 ? 0 : Math.Max(0, (clock.GetUtcNow().UtcTicks - ticks) / (double)TimeSpan.TicksPerSecond));
        }
    }
}
