using System.Diagnostics;

namespace ConcertBooking.Bench.Measurement;

/// <summary>What one request or transaction came to.</summary>
public enum Outcome
{
    /// <summary>The seat was held (HTTP 201, or a committed raw transaction).</summary>
    Held,

    /// <summary>The seat was taken already (HTTP 409, or a conditional update that matched no row).</summary>
    Conflict,

    /// <summary>Anything else: another status code, a timeout, a broken connection, a database error.</summary>
    Error,
}

/// <summary>
/// Records the latency and outcome of one load client's requests. Each client owns one, so recording takes no lock;
/// the recorders are merged after the run. Samples are kept exactly (a 20 s run at a few thousand requests a second
/// is well under a million longs), so percentiles are exact rather than bucketed.
/// </summary>
public sealed class LatencyRecorder
{
    private readonly List<long> _ticks = new(capacity: 16_384);

    public long Held { get; private set; }

    public long Conflicts { get; private set; }

    public long Errors { get; private set; }

    /// <summary>Error descriptions, counted, so a report can say what went wrong without flooding the console.</summary>
    public Dictionary<string, long> ErrorKinds { get; } = new(StringComparer.Ordinal);

    public void Record(Outcome outcome, long elapsedTicks, string? error = null)
    {
        _ticks.Add(elapsedTicks);
        switch (outcome)
        {
            case Outcome.Held:
                Held++;
                break;
            case Outcome.Conflict:
                Conflicts++;
                break;
            default:
                Errors++;
                var kind = error ?? "error";
                ErrorKinds[kind] = ErrorKinds.GetValueOrDefault(kind) + 1;
                break;
        }
    }

    public static LatencySummary Summarize(IReadOnlyCollection<LatencyRecorder> recorders, TimeSpan elapsed)
    {
        var all = new long[recorders.Sum(r => r._ticks.Count)];
        var offset = 0;
        foreach (var recorder in recorders)
        {
            recorder._ticks.CopyTo(all, offset);
            offset += recorder._ticks.Count;
        }

        Array.Sort(all);
        var errorKinds = recorders
            .SelectMany(r => r.ErrorKinds)
            .GroupBy(e => e.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(e => e.Value), StringComparer.Ordinal);
        return new LatencySummary(
            Requests: all.Length,
            Held: recorders.Sum(r => r.Held),
            Conflicts: recorders.Sum(r => r.Conflicts),
            Errors: recorders.Sum(r => r.Errors),
            ErrorKinds: errorKinds,
            Elapsed: elapsed,
            P50: Percentile(all, 0.50),
            P95: Percentile(all, 0.95),
            P99: Percentile(all, 0.99),
            Max: all.Length == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(0, all[^1]));
    }

    /// <summary>Nearest-rank percentile of sorted Stopwatch ticks.</summary>
    private static TimeSpan Percentile(long[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return TimeSpan.Zero;
        }

        var rank = (int)Math.Ceiling(p * sorted.Length);
        return Stopwatch.GetElapsedTime(0, sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)]);
    }
}

/// <summary>Counts, rates and latency percentiles of one measured phase.</summary>
public sealed record LatencySummary(
    long Requests,
    long Held,
    long Conflicts,
    long Errors,
    IReadOnlyDictionary<string, long> ErrorKinds,
    TimeSpan Elapsed,
    TimeSpan P50,
    TimeSpan P95,
    TimeSpan P99,
    TimeSpan Max)
{
    public double RequestsPerSecond => Elapsed > TimeSpan.Zero ? Requests / Elapsed.TotalSeconds : 0;

    public double HeldPerSecond => Elapsed > TimeSpan.Zero ? Held / Elapsed.TotalSeconds : 0;
}
