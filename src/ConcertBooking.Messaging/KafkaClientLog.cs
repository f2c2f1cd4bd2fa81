using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ConcertBooking.Messaging;

/// <summary>
/// librdkafka's own log lines and client errors, through <see cref="ILogger"/> instead of standard error. An
/// unreachable cluster makes every client report every failed connection attempt (hundreds of lines a minute), so
/// warnings are rate-limited per process: at most one every <see cref="Interval"/>, saying how many were dropped
/// since. Readiness (<c>/health/ready</c>) tells the state meanwhile. Fatal errors are always logged.
/// </summary>
public sealed partial class KafkaClientLog(ILogger<KafkaClientLog> logger, TimeProvider clock)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private DateTimeOffset _nextWarningAt = DateTimeOffset.MinValue;
    private int _dropped;

    /// <summary>A librdkafka log line (<c>SetLogHandler</c>): warnings and worse rate-limited, the rest at debug.</summary>
    public void Write(LogMessage message)
    {
        if (message.Level > SyslogLevel.Warning)
        {
            LogClientDebug(message.Name, message.Facility, message.Message);
            return;
        }

        if (TryTakeTurn(out var dropped))
        {
            LogClientWarning(message.Name, message.Message, dropped);
        }
    }

    /// <summary>A client error (<c>SetErrorHandler</c>); <paramref name="client"/> names the producer or group.</summary>
    public void Report(string client, Error error)
    {
        if (error.IsFatal)
        {
            LogFatal(client, error.Code, error.Reason);
        }
        else if (TryTakeTurn(out var dropped))
        {
            LogClientError(client, error.Code, error.Reason, dropped);
        }
    }

    private bool TryTakeTurn(out int dropped)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (now < _nextWarningAt)
            {
                _dropped++;
                dropped = 0;
                return false;
            }

            dropped = _dropped;
            _dropped = 0;
            _nextWarningAt = now + Interval;
            return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "librdkafka {Client} {Facility}: {Text}")]
    private partial void LogClientDebug(string client, string facility, string text);

    [LoggerMessage(Level = LogLevel.Warning, Message = "librdkafka {Client}: {Text} ({Dropped} similar lines dropped before this one)")]
    private partial void LogClientWarning(string client, string text, int dropped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka {Client} reports {Code}: {Reason} ({Dropped} similar lines dropped before this one)")]
    private partial void LogClientError(string client, ErrorCode code, string reason, int dropped);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Kafka {Client} reports a fatal error {Code}: {Reason}")]
    private partial void LogFatal(string client, ErrorCode code, string reason);
}
