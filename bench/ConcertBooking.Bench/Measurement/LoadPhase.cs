using System.Diagnostics;

namespace ConcertBooking.Bench.Measurement;

/// <summary>The outcome of one hold attempt and, for errors, what went wrong.</summary>
public readonly record struct Attempt(Outcome Outcome, string? Error = null)
{
    public static readonly Attempt Held = new(Outcome.Held);
    public static readonly Attempt Conflict = new(Outcome.Conflict);

    public static Attempt Failed(string error) => new(Outcome.Error, error);
}

/// <summary>One load client: tries to hold the given seat and says how that went. It must not throw for a failed
/// attempt; it reports it as <see cref="Outcome.Error"/>.</summary>
public interface IHoldClient : IAsyncDisposable
{
    ValueTask<Attempt> HoldAsync(long seatId, CancellationToken cancellationToken);
}

/// <summary>Results of one phase: what was measured after the warm-up, and totals over the whole phase.</summary>
public sealed record PhaseResult(
    LatencySummary Measured,
    long TotalHeld,
    long TotalErrors,
    bool StoppedAtFillLimit,
    CpuUsage Cpu,
    string LoadAverageAfter);

/// <summary>
/// Runs C clients in a closed loop: each picks a uniformly random seat of the concert, tries to hold it, and as soon as
/// it has an answer tries the next one. Attempts that start during the warm-up are not measured; the phase ends after
/// warm-up plus duration, or early once the holds reach the fill limit (random picks in a nearly full hall would
/// measure conflicts, not holds). Attempts in flight at the end are awaited, never cancelled: an abandoned request
/// could still commit, and the oversold check needs every outcome.
/// </summary>
public sealed class LoadPhase(
    int clients, TimeSpan warmup, TimeSpan duration, long fillLimit, Func<TimeSpan?> apiCpuTime, string? postgresDatabase)
{
    private long _totalHeld;
    private long _totalErrors;

    /// <param name="createClient">Makes client number i (0-based).</param>
    /// <param name="dedicatedThreads">Run each client on its own thread: for drivers that block (Microsoft.Data.Sqlite),
    /// so clients wait for the database rather than for a thread-pool thread.</param>
    public async Task<PhaseResult> RunAsync(
        IReadOnlyList<long> seatIds,
        Func<int, CancellationToken, Task<IHoldClient>> createClient,
        bool dedicatedThreads,
        CancellationToken cancellationToken)
    {
        var holdClients = new IHoldClient[clients];
        for (var i = 0; i < clients; i++)
        {
            holdClients[i] = await createClient(i, cancellationToken);
        }

        try
        {
            using var stop = new CancellationTokenSource();
            var recorders = Enumerable.Range(0, clients).Select(_ => new LatencyRecorder()).ToArray();
            var started = Stopwatch.GetTimestamp();
            var measureFrom = started + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
            var fillLimitReached = false;
            stop.CancelAfter(warmup + duration);

            async Task Client(int index)
            {
                var client = holdClients[index];
                var recorder = recorders[index];
                var random = new Random(index * 7919);
                while (!stop.IsCancellationRequested)
                {
                    var seatId = seatIds[random.Next(seatIds.Count)];
                    var start = Stopwatch.GetTimestamp();
                    var attempt = await client.HoldAsync(seatId, cancellationToken);
                    var end = Stopwatch.GetTimestamp();
                    if (attempt.Outcome == Outcome.Held && Interlocked.Increment(ref _totalHeld) >= fillLimit)
                    {
                        fillLimitReached = true;
                        await stop.CancelAsync();
                    }
                    else if (attempt.Outcome == Outcome.Error)
                    {
                        Interlocked.Increment(ref _totalErrors);
                    }

                    if (start >= measureFrom)
                    {
                        recorder.Record(attempt.Outcome, end - start, attempt.Error);
                    }
                }
            }

            var tasks = Enumerable.Range(0, clients)
                .Select(i => dedicatedThreads
                    ? Task.Factory.StartNew(() => Client(i), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()
                    : Task.Run(() => Client(i), CancellationToken.None))
                .ToArray();

            // CPU is sampled over the measured window only.
            var warmupLeft = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), measureFrom);
            if (warmupLeft > TimeSpan.Zero)
            {
                await Task.WhenAny(Task.WhenAll(tasks), Task.Delay(warmupLeft, cancellationToken));
            }

            var cpu = CpuSampler.Start(apiCpuTime, postgresDatabase);
            await Task.WhenAll(tasks);
            var usage = cpu.Stop();
            var ended = Stopwatch.GetTimestamp();
            var measured = ended > measureFrom ? Stopwatch.GetElapsedTime(measureFrom, ended) : TimeSpan.Zero;
            return new PhaseResult(
                LatencyRecorder.Summarize(recorders, measured),
                Interlocked.Read(ref _totalHeld),
                Interlocked.Read(ref _totalErrors),
                fillLimitReached,
                usage,
                MachineInfo.ReadLoadAverage());
        }
        finally
        {
            foreach (var client in holdClients)
            {
                await client.DisposeAsync();
            }
        }
    }
}
