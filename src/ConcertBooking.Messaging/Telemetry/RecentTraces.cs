using System.Diagnostics;

namespace ConcertBooking.Messaging.Telemetry;

/// <summary>One finished span as the operators' console shows it.</summary>
public sealed record TraceSpan(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    string Kind,
    string Source,
    DateTimeOffset Start,
    double DurationMs,
    string Status,
    string? StatusDescription,
    IReadOnlyDictionary<string, string?> Attributes);

/// <summary>The spans of one trace this process recorded, oldest first.</summary>
public sealed record RecentTrace(string TraceId, IReadOnlyList<TraceSpan> Spans);

/// <summary>
/// The last traces this process recorded, in memory, for the operators' console: <see cref="Capacity"/> traces of at
/// most <see cref="MaxSpansPerTrace"/> spans each, the oldest trace forgotten first, so memory stays bounded however
/// long the process runs. Traces are found by id or by an event they carried (the <c>messaging.message.id</c> of a
/// send or process span). Spans are kept as recorded and converted only when asked for.
/// </summary>
public sealed class RecentTraces(int capacity = RecentTraces.DefaultCapacity, int maxSpansPerTrace = RecentTraces.DefaultMaxSpansPerTrace)
{
    public const int DefaultCapacity = 1000;
    public const int DefaultMaxSpansPerTrace = 64;

    private readonly Lock _lock = new();
    private readonly Dictionary<ActivityTraceId, Entry> _traces = [];
    private readonly Queue<ActivityTraceId> _order = new();
    private readonly Dictionary<Guid, ActivityTraceId> _byEvent = [];

    public int Capacity => capacity;

    public int MaxSpansPerTrace => maxSpansPerTrace;

    /// <summary>Keeps a finished span (called by the tracing pipeline as each recorded span ends).</summary>
    public void Add(Activity span)
    {
        var eventId = span.GetTagItem(MessagingTags.MessageId) is string id && Guid.TryParse(id, out var parsed) ? parsed : (Guid?)null;
        lock (_lock)
        {
            if (!_traces.TryGetValue(span.TraceId, out var entry))
            {
                if (_order.Count >= capacity)
                {
                    Forget(_order.Dequeue());
                }

                entry = new Entry();
                _traces[span.TraceId] = entry;
                _order.Enqueue(span.TraceId);
            }

            if (entry.Spans.Count >= maxSpansPerTrace)
            {
                return;
            }

            entry.Spans.Add(span);
            if (eventId is { } e && _byEvent.TryAdd(e, span.TraceId))
            {
                entry.Events.Add(e);
            }
        }
    }

    /// <summary>The trace that carried an event, if this process still holds it.</summary>
    public RecentTrace? FindByEvent(Guid eventId)
    {
        lock (_lock)
        {
            return _byEvent.TryGetValue(eventId, out var traceId) ? Snapshot(traceId) : null;
        }
    }

    public RecentTrace? Find(string traceId)
    {
        if (traceId.Length != 32 || !traceId.All(char.IsAsciiHexDigitLower))
        {
            return null;
        }

        lock (_lock)
        {
            return Snapshot(ActivityTraceId.CreateFromString(traceId));
        }
    }

    /// <summary>The ids of the most recent traces, newest first.</summary>
    public IReadOnlyList<string> RecentIds(int count)
    {
        lock (_lock)
        {
            return _order.Reverse().Take(count).Select(t => t.ToHexString()).ToList();
        }
    }

    private RecentTrace? Snapshot(ActivityTraceId traceId) =>
        _traces.TryGetValue(traceId, out var entry)
            ? new RecentTrace(traceId.ToHexString(), entry.Spans.OrderBy(s => s.StartTimeUtc).Select(ToSpan).ToList())
            : null;

    private void Forget(ActivityTraceId traceId)
    {
        if (_traces.Remove(traceId, out var entry))
        {
            foreach (var eventId in entry.Events)
            {
                _byEvent.Remove(eventId);
            }
        }
    }

    private static TraceSpan ToSpan(Activity span) => new(
        span.TraceId.ToHexString(),
        span.SpanId.ToHexString(),
        span.ParentSpanId == default ? null : span.ParentSpanId.ToHexString(),
        span.DisplayName,
        span.Kind.ToString(),
        span.Source.Name,
        new DateTimeOffset(span.StartTimeUtc, TimeSpan.Zero),
        Math.Round(span.Duration.TotalMilliseconds, 3),
        span.Status.ToString(),
        span.StatusDescription,
        span.TagObjects.ToDictionary(t => t.Key, t => t.Value?.ToString()));

    private sealed class Entry
    {
        public List<Activity> Spans { get; } = [];

        public List<Guid> Events { get; } = [];
    }
}
