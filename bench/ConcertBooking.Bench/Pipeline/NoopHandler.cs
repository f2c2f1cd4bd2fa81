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
    private readonly ConcurrentDictionary<Guid, byte> _seen = new();

    public long Repeats => Interlocked.Read(ref _repeats);

    private long _repeats;

    public void Record(IReadOnlyList<ConsumedEvent> events)
    {
        var now = DateTimeOffset.UtcNow;
        var fresh = events.Where(e => _seen.TryAdd(e.Event.EventId, 0)).ToList();
        Interlocked.Add(ref _repeats, events.Count - fresh.Count);
        if (fresh.Count == 0)
        {
            return;
        }

        if (LatencyFrom is { } from)
        {
            foreach (var e in fresh)
            {
                if (e.Event.OccurredAt >= from)
                {
                    LatenciesMs.Add((now - e.Event.OccurredAt).TotalMilliseconds);
                }
            }
        }

        if (Interlocked.CompareExchange(ref _firstTicks, Clock.Elapsed.Ticks, -1) == -1)
        {
            FirstBatchCount = fresh.Count;
        }

        Interlocked.Exchange(ref _lastTicks, Clock.Elapsed.Ticks);
        Interlocked.Add(ref _count, fresh.Count);
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
