using System.Diagnostics;
using System.Globalization;

namespace ConcertBooking.Bench.Measurement;

/// <summary>
/// CPU used during a phase, in cores: the whole machine (from /proc/stat), this process (the load generator), the API
/// process and the local PostgreSQL server working for the benchmark's database. What is left over is other work on the
/// machine, which shows whether someone else was using the shared cores.
/// </summary>
public sealed record CpuUsage(double MachineCores, double BenchCores, double? ApiCores, double PostgresCores)
{
    public double OtherCores => Math.Max(0, MachineCores - BenchCores - (ApiCores ?? 0) - PostgresCores);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"machine {MachineCores:0.00} of {Environment.ProcessorCount} cores busy: load generator {BenchCores:0.00}")
        + (ApiCores is { } api ? string.Create(CultureInfo.InvariantCulture, $", API {api:0.00}") : string.Empty)
        + (PostgresCores > 0.005 ? string.Create(CultureInfo.InvariantCulture, $", postgres {PostgresCores:0.00}") : string.Empty)
        + string.Create(CultureInfo.InvariantCulture, $", other {OtherCores:0.00}");
}

/// <summary>Takes a CPU snapshot at the start of a phase and turns it into <see cref="CpuUsage"/> at the end.</summary>
public sealed class CpuSampler
{
    private static readonly double TicksPerSecond = 100; // USER_HZ; 100 on every Linux this runs on.

    private readonly Func<TimeSpan?> _apiCpuTime;
    private readonly string? _postgresDatabase;
    private readonly long _startTimestamp;
    private readonly TimeSpan _benchStart;
    private readonly TimeSpan? _apiStart;
    private readonly long _machineStart;
    private readonly long _postgresStart;

    private CpuSampler(Func<TimeSpan?> apiCpuTime, string? postgresDatabase)
    {
        _apiCpuTime = apiCpuTime;
        _postgresDatabase = postgresDatabase;
        _startTimestamp = Stopwatch.GetTimestamp();
        _benchStart = Process.GetCurrentProcess().TotalProcessorTime;
        _apiStart = apiCpuTime();
        _machineStart = MachineBusyTicks();
        _postgresStart = PostgresTicks();
    }

    /// <param name="apiCpuTime">The API process's CPU time so far, or null when it is not ours to watch.</param>
    /// <param name="postgresDatabase">The benchmark's PostgreSQL database, whose server backends (and the server's
    /// background processes) count as the database's CPU; null when the database is not PostgreSQL.</param>
    public static CpuSampler Start(Func<TimeSpan?> apiCpuTime, string? postgresDatabase) => new(apiCpuTime, postgresDatabase);

    public CpuUsage Stop()
    {
        var wall = Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds;
        var bench = (Process.GetCurrentProcess().TotalProcessorTime - _benchStart).TotalSeconds / wall;
        double? api = _apiCpuTime() is { } end && _apiStart is { } start ? (end - start).TotalSeconds / wall : null;
        var machine = (MachineBusyTicks() - _machineStart) / TicksPerSecond / wall;
        var postgres = (PostgresTicks() - _postgresStart) / TicksPerSecond / wall;
        return new CpuUsage(machine, bench, api, postgres);
    }

    /// <summary>Busy jiffies of all CPUs (everything but idle and iowait); 0 where /proc is missing.</summary>
    private static long MachineBusyTicks()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First()
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Skip(1)
                .Take(8)
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture))
                .ToArray();
            return fields.Sum() - fields[3] - fields[4];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    /// <summary>
    /// User plus system jiffies of the live PostgreSQL processes working for our database: its client backends (whose
    /// title names the database) and the server's background processes (WAL writer, checkpointer, ...), whose titles
    /// name no client. Backends of other databases, e.g. someone's test run, are left out.
    /// </summary>
    private long PostgresTicks()
    {
        if (_postgresDatabase is null)
        {
            return 0;
        }

        long total = 0;
        try
        {
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(directory), out _))
                {
                    continue;
                }

                try
                {
                    var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                    var open = stat.IndexOf('(', StringComparison.Ordinal);
                    var close = stat.LastIndexOf(')');
                    if (open < 0 || close < open || stat[(open + 1)..close] != "postgres")
                    {
                        continue;
                    }

                    var title = File.ReadAllText(Path.Combine(directory, "cmdline"));
                    var isClientBackend = title.Contains('(', StringComparison.Ordinal) || title.Contains("[local]", StringComparison.Ordinal);
                    if (isClientBackend && !title.Contains(_postgresDatabase, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    // Fields after "(comm)": state is field 3; utime and stime are fields 14 and 15.
                    var fields = stat[(close + 2)..].Split(' ');
                    total += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
                {
                    // The process ended while we looked.
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            return 0;
        }

        return total;
    }
}
