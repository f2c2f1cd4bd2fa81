using ConcertBooking.Messaging.Embedded;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ConcertBooking.Messaging.Tests;

/// <summary>
/// An unreachable cluster makes librdkafka report every failed connection attempt; through <see cref="KafkaClientLog"/>
/// that is one warning every few seconds, saying how many were dropped, and never a flood.
/// </summary>
public sealed class KafkaClientLogTests
{
    private readonly ManualClock _clock = new();
    private readonly Lines _logger = new();

    [Fact]
    public void Warnings_are_rate_limited_and_say_how_many_were_dropped()
    {
        var log = new KafkaClientLog(_logger, _clock);
        var refused = new LogMessage("rdkafka#producer-1", SyslogLevel.Error, "FAIL", "Connect to ipv4#127.0.0.1:1 failed: Connection refused");

        for (var i = 0; i < 100; i++)
        {
            log.Write(refused);
            log.Report("notification", new Error(ErrorCode.Local_Transport, "1/1 brokers are down"));
        }

        _clock.Now += KafkaClientLog.Interval;
        log.Write(refused);

        Assert.Equal(2, _logger.Written.Count(l => l.Level == LogLevel.Warning));
        Assert.Contains("(0 similar lines dropped before this one)", _logger.Written[0].Message, StringComparison.Ordinal);
        Assert.Contains("(199 similar lines dropped before this one)", _logger.Written[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Chatter_below_warning_goes_to_debug_and_fatal_errors_are_always_logged()
    {
        var log = new KafkaClientLog(_logger, _clock);

        log.Write(new LogMessage("rdkafka#consumer-2", SyslogLevel.Error, "FAIL", "down"));
        log.Write(new LogMessage("rdkafka#consumer-2", SyslogLevel.Info, "CGRPSTATE", "group state"));
        log.Report("producer", new Error(ErrorCode.Local_Fatal, "fenced", isFatal: true));
        log.Report("producer", new Error(ErrorCode.Local_Fatal, "fenced", isFatal: true));

        Assert.Equal([LogLevel.Warning, LogLevel.Debug, LogLevel.Critical, LogLevel.Critical], _logger.Written.Select(l => l.Level));
    }

    [Fact]
    public void The_embedded_cluster_names_the_settings_it_ignores()
    {
        var kafka = new KafkaOptions { SecurityProtocol = SecurityProtocol.Ssl, SslCaLocation = "/etc/ca.pem" };
        kafka.Topics.RetentionMs = 60_000;

        Assert.Equal(["Kafka:SecurityProtocol", "Kafka:SslCaLocation", "Kafka:Topics:RetentionMs"], IgnoredSettingsWarning.Find(kafka));
        Assert.Empty(IgnoredSettingsWarning.Find(new KafkaOptions()));
    }

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private sealed class Lines : ILogger<KafkaClientLog>
    {
        public List<(LogLevel Level, string Message)> Written { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Written.Add((logLevel, formatter(state, exception)));
    }
}
