using System.Diagnostics.Metrics;

namespace ConcertBooking.Messaging;

/// <summary>The messaging instruments (seed 7.8), published on the <c>ConcertBooking.Messaging</c> meter.</summary>
public sealed class MessagingMetrics : IDisposable
{
    public const string MeterName = "ConcertBooking.Messaging";
    private readonly Meter _meter;
    private long _outboxBacklog;

    public MessagingMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        EventsProduced = _meter.CreateCounter<long>("concertbooking.events.produced", description: "Outbox events delivered to Kafka");
        ProducerErrors = _meter.CreateCounter<long>("concertbooking.producer.errors", description: "Failed outbox publishing attempts");
        EventsRepublished = _meter.CreateCounter<long>("concertbooking.events.republished",
            description: "Outbox events that may already be on Kafka but stay pending after a delivery failure, so they are published again");
        EventsConsumed = _meter.CreateCounter<long>("concertbooking.events.consumed", description: "Events handled, per consumer group");
        EventsSkipped = _meter.CreateCounter<long>("concertbooking.events.skipped", description: "Events of an unknown type, skipped");
        HandlerFailures = _meter.CreateCounter<long>("concertbooking.handler.failures", description: "Handler attempts that threw");
        Retries = _meter.CreateCounter<long>("concertbooking.handler.retries", description: "Handler retries after a failure");
        DeadLettered = _meter.CreateCounter<long>("concertbooking.events.dead_lettered", description: "Records parked on a dead-letter topic");
        ConsumerStopped = _meter.CreateCounter<long>("concertbooking.consumer.stopped", description: "Consumer loops that stopped or restarted");
        Gaps = _meter.CreateCounter<long>("concertbooking.consumer.gaps",
            description: "Jumps past records a group never read (the cluster no longer had them), per group");
        CommitToHandled = _meter.CreateHistogram<double>("concertbooking.events.commit_to_handled", unit: "ms",
            description: "From the event's commit (occurredAt) to its handling by a group");
        _meter.CreateObservableGauge("concertbooking.outbox.backlog", () => Interlocked.Read(ref _outboxBacklog),
            description: "Outbox rows waiting to be published, as of the relay's last read");
    }

    public Counter<long> EventsProduced { get; }

    public Counter<long> ProducerErrors { get; }

    public Counter<long> EventsRepublished { get; }

    public Counter<long> EventsConsumed { get; }

    public Counter<long> EventsSkipped { get; }

    public Counter<long> HandlerFailures { get; }

    public Counter<long> Retries { get; }

    public Counter<long> DeadLettered { get; }

    public Counter<long> ConsumerStopped { get; }

    public Counter<long> Gaps { get; }

    public Histogram<double> CommitToHandled { get; }

    public long OutboxBacklog => Interlocked.Read(ref _outboxBacklog);

    public void ReportOutboxBacklog(long pending) => Interlocked.Exchange(ref _outboxBacklog, pending);

    public void Dispose() => _meter.Dispose();
}
