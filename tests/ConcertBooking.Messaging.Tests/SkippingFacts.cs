namespace ConcertBooking.Messaging.Tests;

/// <summary>A fact that needs the kcat command line client; reported as skipped, not failed, where it is missing.</summary>
public sealed class KcatFactAttribute : FactAttribute
{
    public KcatFactAttribute()
    {
        if (Kcat.ExecutablePath is null)
        {
            Skip = "kcat is not on PATH; install it (e.g. apt-get install -y kcat) to check the embedded cluster with an independent client.";
        }
    }
}

internal static class Kcat
{
    public static string? ExecutablePath { get; } = Find();

    private static string? Find()
    {
        string[] directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);

        // Older distributions ship the same tool as kafkacat.
        foreach (string name in new[] { "kcat", "kafkacat" })
        {
            foreach (string directory in directories)
            {
                string candidate = Path.Combine(directory, OperatingSystem.IsWindows() ? name + ".exe" : name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}

/// <summary>A fact about Linux specifics (e.g. /proc); reported as skipped elsewhere.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Only meaningful on Linux.";
        }
    }
}
