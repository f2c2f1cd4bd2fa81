using System.Collections.Concurrent;
using System.Diagnostics;
using ConcertBooking.Messaging.Consumers;

namespace ConcertBooking.Bench.Pipeline;

/// <summary>What the no-op group saw: when its first and last events arrived, and (from <see cref="LatencyFrom"/>
/// on) each event's commit-to-handled latency.</summary>
internal sealed class NoopProbe
{
    private long _count;
    private long _firstTicks = -1;
    private long _lastTicks;

    public long Count => Interlocked.Read(ref _count);

    public TimeSpan FirstToLast => TimeSpan.FromTicks(Interlocked.Read(ref _lastTicks) - Interlocked.Read(ref _firstTicks));

    public long FirstBatchCount { get; private set; }

    public DateTimeOffset? LatencyFrom { get; set; }

    public ConcurrentBag<double> LatenciesMs { get; } = [];

    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    /// <summary>Events seen before: this group records no processed events, so whenever the runtime detects a gap
    /// its outbox catch-up hands it every sent event of the topic again. Only first arrivals count.</summary>
    private readonly HashSet<Guid> _seen = [];
    private readonly Lock _gate = new();

    public long Repeats => Interlocked.Read(ref _repeats);

    private long _repeats;

    public void Record(IReadOnlyList<ConsumedEvent> events)
    {
        var now = DateTimeOffset.UtcNow;
        var from = LatencyFrom;
        var fresh = 0;
        lock (_gate)
        {
            foreach (var e in events)
            {
                if (!_seen.Add(e.EventId))
                {
                    continue;
                }

                fresh++;

                // Only the latency phase reads the event's time (which decodes it); the throughput phase measures
                // the runtime with a handler that reads nothing.
                if (from is { } f && e.OccurredAt >= f)
                {
                    LatenciesMs.Add((now - e.OccurredAt).TotalMilliseconds);
                }
            }
        }

        Interlocked.Add(ref _repeats, events.Count - fresh);
        if (fresh == 0)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _firstTicks, Clock.Elapsed.Ticks, -1) == -1)
        {
            FirstBatchCount = fresh;
        }

        Interlocked.Exchange(ref _lastTicks, Clock.Elapsed.Ticks);
        Interlocked.Add(ref _count, fresh);
    }
}

/// <summary>A group handler that does nothing but note what it got: the consumer runtime's own cost.</summary>
internal sealed class NoopHandler(NoopProbe probe) : IEventBatchHandler
{
    public Task HandleAsync(IReadOnlyList<ConsumedEvent> events, CancellationToken cancellationToken)
    {
        probe.Record(events);
        return Task.CompletedTask;
    }
}
