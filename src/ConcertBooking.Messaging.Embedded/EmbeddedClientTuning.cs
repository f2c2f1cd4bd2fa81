using Confluent.Kafka;

namespace ConcertBooking.Messaging.Embedded;

/// <summary>What every client needs to talk to the mock brokers.</summary>
internal sealed class EmbeddedClientTuning : IConfigureKafkaClients
{
    /// <summary>The mock brokers hold every fetch for the full <c>fetch.wait.max.ms</c>, even when data arrives
    /// meanwhile (a real broker answers as soon as <c>fetch.min.bytes</c> is met), so that wait is added to every
    /// event's latency: 500 ms would make a notification take up to half a second. 20 ms costs a few more idle
    /// fetches (~0.05 of a core for all three groups).</summary>
    public const int FetchWaitMaxMs = 20;

    public void Defaults(ClientConfig config)
    {
        if (config is ConsumerConfig consumer)
        {
            consumer.FetchWaitMaxMs = FetchWaitMaxMs;
        }
    }

    /// <summary>The mock speaks plaintext only: a shared settings file with production security settings must not
    /// break local runs.</summary>
    public void Override(ClientConfig config)
    {
        config.SecurityProtocol = SecurityProtocol.Plaintext;
        config.SaslMechanism = null;
        config.SaslUsername = null;
        config.SaslPassword = null;
        config.SslCaLocation = null;
        config.SslCertificateLocation = null;
        config.SslKeyLocation = null;
    }
}
