using System.Globalization;

namespace ConcertBooking.Bench.Measurement;

/// <summary>What the figures were measured on: other engineers share this machine, so the load average matters.</summary>
public sealed record MachineInfo(int Cores, string CpuModel, string LoadAverage)
{
    public static MachineInfo Read() => new(Environment.ProcessorCount, ReadCpuModel(), ReadLoadAverage());

    public static string ReadLoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    /// <summary>The 1-minute load average as a number, or null where /proc is missing.</summary>
    public static double? ReadLoadAverage1() =>
        double.TryParse(ReadLoadAverage().Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var load) ? load : null;

    private static string ReadCpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo")
                .FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?
                .Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
