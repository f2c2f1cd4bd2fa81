using System.Diagnostics;
using System.Globalization;

namespace ConcertBooking.Bench.Measurement;

/// <summary>CPU used during a phase: by the whole machine (from /proc/stat), by this process and by the API process.</summary>
public sealed record CpuUsage(double MachineBusyPercent, double BenchCores, double? ApiCores)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"machine {MachineBusyPercent:0}% busy of {Environment.ProcessorCount} cores; load generator {BenchCores:0.00} cores")
        + (ApiCores is { } api ? string.Create(CultureInfo.InvariantCulture, $"; API process {api:0.00} cores") : string.Empty);
}

/// <summary>Takes a CPU snapshot at the start of a phase and turns it into <see cref="CpuUsage"/> at the end.</summary>
public sealed class CpuSampler
{
    private readonly Func<TimeSpan?> _apiCpuTime;
    private readonly long _startTimestamp;
    private readonly TimeSpan _benchStart;
    private readonly TimeSpan? _apiStart;
    private readonly (long Busy, long Total)? _machineStart;

    private CpuSampler(Func<TimeSpan?> apiCpuTime)
    {
        _apiCpuTime = apiCpuTime;
        _startTimestamp = Stopwatch.GetTimestamp();
        _benchStart = Process.GetCurrentProcess().TotalProcessorTime;
        _apiStart = apiCpuTime();
        _machineStart = ReadMachine();
    }

    /// <param name="apiCpuTime">The API process's CPU time so far, or null when it is not ours to watch.</param>
    public static CpuSampler Start(Func<TimeSpan?> apiCpuTime) => new(apiCpuTime);

    public CpuUsage Stop()
    {
        var wall = Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds;
        var bench = (Process.GetCurrentProcess().TotalProcessorTime - _benchStart).TotalSeconds / wall;
        var apiNow = _apiCpuTime();
        double? api = apiNow is { } end && _apiStart is { } start ? (end - start).TotalSeconds / wall : null;
        var machine = ReadMachine() is { } m && _machineStart is { } s && m.Total > s.Total
            ? 100.0 * (m.Busy - s.Busy) / (m.Total - s.Total)
            : double.NaN;
        return new CpuUsage(machine, bench, api);
    }

    /// <summary>Busy and total jiffies of all CPUs; busy excludes idle and iowait.</summary>
    private static (long Busy, long Total)? ReadMachine()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First()
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Skip(1)
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture))
                .ToArray();
            var total = fields.Take(8).Sum();
            var idle = fields[3] + fields[4];
            return (total - idle, total);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
