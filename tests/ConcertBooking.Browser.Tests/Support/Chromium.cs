namespace ConcertBooking.Browser.Tests.Support;

/// <summary>Debian's Chromium, which the tests drive; CI installs it (see .ci/run).</summary>
public static class Chromium
{
    public const string DefaultPath = "/usr/bin/chromium";

    /// <summary><c>CONCERTBOOKING_CHROMIUM</c> names another executable.</summary>
    public static string ExecutablePath { get; } = Environment.GetEnvironmentVariable("CONCERTBOOKING_CHROMIUM") is { Length: > 0 } path ? path : DefaultPath;

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why browser tests cannot run here, or null. Under CI a missing browser is a failure, never a skip.</summary>
    public static string? SkipReason =>
        File.Exists(ExecutablePath) || IsCi
            ? null
            : $"Chromium is not installed at {ExecutablePath}; install it (apt-get install -y chromium) to run the browser tests.";
}

/// <summary>A test that drives a real browser; skipped, with the reason, only where Chromium is absent outside CI.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        Skip = Chromium.SkipReason;
    }
}

/// <summary>The theory form of <see cref="BrowserFactAttribute"/>.</summary>
public sealed class BrowserTheoryAttribute : TheoryAttribute
{
    public BrowserTheoryAttribute()
    {
        Skip = Chromium.SkipReason;
    }
}
