using Confluent.Kafka;

namespace ConcertBooking.Messaging;

/// <summary>Bound from the <c>Kafka</c> configuration section.</summary>
public sealed class KafkaOptions
{
    public const string SectionName = "Kafka";

    /// <summary>The cluster to connect to. Empty is for development: the composition then adds a local cluster,
    /// which supplies the address at startup (see <see cref="Hosting.IKafkaClusterSource"/>).</summary>
    public string BootstrapServers { get; set; } = "";

    public SecurityProtocol? SecurityProtocol { get; set; }

    public string? SslCaLocation { get; set; }

    public string? SslCertificateLocation { get; set; }

    public string? SslKeyLocation { get; set; }

    public SaslMechanism? SaslMechanism { get; set; }

    public string? SaslUsername { get; set; }

    public string? SaslPassword { get; set; }

    public KafkaTopicOptions Topics { get; set; } = new();

    /// <summary>Copies the security settings that are set onto <paramref name="config"/>, leaving the others at the
    /// client's defaults.</summary>
    public T ApplySecurity<T>(T config) where T : ClientConfig
    {
        ArgumentNullException.ThrowIfNull(config);

        if (SecurityProtocol is { } securityProtocol)
        {
            config.SecurityProtocol = securityProtocol;
        }

        if (SaslMechanism is { } saslMechanism)
        {
            config.SaslMechanism = saslMechanism;
        }

        if (!string.IsNullOrEmpty(SslCaLocation))
        {
            config.SslCaLocation = SslCaLocation;
        }

        if (!string.IsNullOrEmpty(SslCertificateLocation))
        {
            config.SslCertificateLocation = SslCertificateLocation;
        }

        if (!string.IsNullOrEmpty(SslKeyLocation))
        {
            config.SslKeyLocation = SslKeyLocation;
        }

        if (!string.IsNullOrEmpty(SaslUsername))
        {
            config.SaslUsername = SaslUsername;
        }

        if (!string.IsNullOrEmpty(SaslPassword))
        {
            config.SaslPassword = SaslPassword;
        }

        return config;
    }
}

/// <summary>How <see cref="KafkaTopicProvisioner"/> creates missing topics.</summary>
public sealed class KafkaTopicOptions
{
    public int Partitions { get; set; } = 3;

    public int ReplicationFactor { get; set; } = 3;

    /// <summary>7 days.</summary>
    public long RetentionMs { get; set; } = 604_800_000;

    /// <summary>1 GiB per partition.</summary>
    public long RetentionBytes { get; set; } = 1_073_741_824;
}
