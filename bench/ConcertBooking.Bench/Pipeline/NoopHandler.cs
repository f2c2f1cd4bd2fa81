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

    public void Record(IReadOnlyList<ConsumedEvent> events)
    {
        var now = DateTimeOffset.UtcNow;
        if (LatencyFrom is { } from)
        {
            foreach (var e in events)
            {
                if (e.Event.OccurredAt >= from)
                {
                    LatenciesMs.Add((now - e.Event.OccurredAt).TotalMilliseconds);
                }
            }
        }

        if (Interlocked.CompareExchange(ref _firstTicks, Clock.Elapsed.Ticks, -1) == -1)
        {
            FirstBatchCount = events.Count;
        }

        Interlocked.Exchange(ref _lastTicks, Clock.Elapsed.Ticks);
        Interlocked.Add(ref _count, events.Count);
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
