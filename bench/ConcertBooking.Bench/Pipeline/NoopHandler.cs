using System.Collections.Concurrent;
using System.Diagnostics;
using ConcertBooking.Messaging.Consumers;

namespace ConcertBooking.Bench.Pipeline;

/// <summary>What the no-op group saw: when its first and last events arrived, and (from <see cref="LatencyFrom"/>
/// on) each event's commit-to-handled latency.</summary>
internal sealed class NoopProbe(int expected, bool fedFromOutbox)
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

    /// <summary>Events seen before, for a group reading the system's topics: it records no processed events, so
    /// whenever the runtime detects a gap its outbox catch-up hands it every sent event of the topic again, under
    /// other offsets. Only first arrivals count. Sized for the events expected, so it does not grow (rehashing all
    /// it holds) while the group is being measured.</summary>
    private readonly HashSet<Guid>? _seen = fedFromOutbox ? new(expected) : null;

    /// <summary>Where each partition got to, for a group reading a topic no outbox feeds: a repeat can only be a
    /// redelivery, which comes at an offset already seen. Cheaper per event than remembering every id, and a no-op
    /// handler is meant to cost next to nothing.</summary>
    private readonly Dictionary<(string Topic, int Partition), PartitionRun> _partitions = [];
    private PartitionRun? _run;
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
                if (!IsFirstArrival(e))
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

    private bool IsFirstArrival(ConsumedEvent e)
    {
        if (_seen is not null)
        {
            return _seen.Add(e.EventId);
        }

        // A batch holds its partitions' records in runs: look a partition up once a run.
        if (_run is not { } run || run.Partition != e.Partition || run.Topic != e.Topic)
        {
            if (!_partitions.TryGetValue((e.Topic, e.Partition), out run))
            {
                run = new PartitionRun(e.Topic, e.Partition);
                _partitions.Add((e.Topic, e.Partition), run);
            }

            _run = run;
        }

        if (e.Offset <= run.LastOffset)
        {
            return false;
        }

        run.LastOffset = e.Offset;
        return true;
    }

    private sealed class PartitionRun(string topic, int partition)
    {
        public string Topic { get; } = topic;

        public int Partition { get; } = partition;

        public long LastOffset { get; set; } = -1;
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
