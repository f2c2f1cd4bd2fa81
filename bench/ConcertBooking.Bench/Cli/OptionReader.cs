using System.Globalization;

namespace ConcertBooking.Bench.Cli;

/// <summary>
/// Reads <c>--name value</c> and <c>--name=value</c> options. Every option must be consumed: call
/// <see cref="EnsureAllConsumed"/> last, so a typo is a usage error instead of a silently ignored setting.
/// </summary>
public sealed class OptionReader
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    public OptionReader(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new UsageException($"Unexpected argument '{arg}'.");
            }

            string name;
            string value;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                name = arg[2..equals];
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                name = arg[2..];
                value = args[++i];
            }
            else
            {
                throw new UsageException($"Option '{arg}' needs a value.");
            }

            if (!_values.TryAdd(name, value))
            {
                throw new UsageException($"Option '--{name}' is given twice.");
            }
        }
    }

    public string? String(string name) => _values.Remove(name, out var value) ? value : null;

    public int Int(string name, int defaultValue, int min, int max)
    {
        if (String(name) is not { } text)
        {
            return defaultValue;
        }

        return int.TryParse(text.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            && value >= min && value <= max
            ? value
            : throw new UsageException($"--{name} must be a whole number from {min} to {max}, not '{text}'.");
    }

    public double Double(string name, double defaultValue, double min, double max)
    {
        if (String(name) is not { } text)
        {
            return defaultValue;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new UsageException($"--{name} must be a number from {min} to {max}, not '{text}'.");
    }

    /// <summary>A duration such as <c>20s</c>, <c>500ms</c>, <c>2m</c>, or plain seconds.</summary>
    public TimeSpan Duration(string name, TimeSpan defaultValue, TimeSpan min, TimeSpan max)
    {
        if (String(name) is not { } text)
        {
            return defaultValue;
        }

        var value = ParseDuration(text) ?? throw new UsageException($"--{name} must be a duration like 20s, 500ms or 2m, not '{text}'.");
        return value >= min && value <= max
            ? value
            : throw new UsageException($"--{name} must be between {min.TotalSeconds:0.###}s and {max.TotalSeconds:0.###}s.");
    }

    public T Enum<T>(string name, T defaultValue)
        where T : struct, Enum
    {
        if (String(name) is not { } text)
        {
            return defaultValue;
        }

        return System.Enum.TryParse<T>(text, ignoreCase: true, out var value) && System.Enum.IsDefined(value) && !char.IsDigit(text[0])
            ? value
            : throw new UsageException(
                $"--{name} must be one of {string.Join(", ", System.Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}, not '{text}'.");
    }

    public void EnsureAllConsumed()
    {
        if (_values.Count > 0)
        {
            throw new UsageException($"Unknown option(s): {string.Join(", ", _values.Keys.Select(k => "--" + k))}.");
        }
    }

    private static TimeSpan? ParseDuration(string text)
    {
        var (number, unit) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (text[..^2], 0.001),
            _ when text.EndsWith('s') || text.EndsWith('S') => (text[..^1], 1.0),
            _ when text.EndsWith('m') || text.EndsWith('M') => (text[..^1], 60.0),
            _ => (text, 1.0),
        };
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 && double.IsFinite(value)
            ? TimeSpan.FromSeconds(value * unit)
            : null;
    }
}
