using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Messaging.Embedded;

/// <summary>
/// Says once, at startup, which configured Kafka settings the embedded cluster does not honour: its brokers speak
/// plaintext only (TLS and SASL settings are dropped, see <see cref="EmbeddedClientTuning"/>) and keep a fixed
/// amount per partition whatever the topics' retention says. Silence would let a run look like it tested them.
/// </summary>
internal sealed partial class IgnoredSettingsWarning(IOptions<KafkaOptions> options, ILogger<IgnoredSettingsWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var ignored = Find(options.Value);
        if (ignored.Count > 0)
        {
            LogIgnored(string.Join(", ", ignored));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal static List<string> Find(KafkaOptions kafka)
    {
        var defaults = new KafkaTopicOptions();
        var settings = new (string Name, bool Set)[]
        {
            ("Kafka:SecurityProtocol", kafka.SecurityProtocol is not null),
            ("Kafka:SslCaLocation", !string.IsNullOrEmpty(kafka.SslCaLocation)),
            ("Kafka:SslCertificateLocation", !string.IsNullOrEmpty(kafka.SslCertificateLocation)),
            ("Kafka:SslKeyLocation", !string.IsNullOrEmpty(kafka.SslKeyLocation)),
            ("Kafka:SaslMechanism", kafka.SaslMechanism is not null),
            ("Kafka:SaslUsername", !string.IsNullOrEmpty(kafka.SaslUsername)),
            ("Kafka:SaslPassword", !string.IsNullOrEmpty(kafka.SaslPassword)),
            ("Kafka:Topics:RetentionMs", kafka.Topics.RetentionMs != defaults.RetentionMs),
            ("Kafka:Topics:RetentionBytes", kafka.Topics.RetentionBytes != defaults.RetentionBytes),
        };
        return settings.Where(s => s.Set).Select(s => s.Name).ToList();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "The embedded Kafka cluster ignores {Settings}: it speaks plaintext only and keeps at most 5 MiB or 100,000 records per partition; set Kafka:BootstrapServers to use them on a real cluster")]
    private partial void LogIgnored(string settings);
}
