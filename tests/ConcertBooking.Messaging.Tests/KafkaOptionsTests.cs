using ConcertBooking.Messaging.Embedded;
using Confluent.Kafka;

using Microsoft.Extensions.Configuration;

namespace ConcertBooking.Messaging.Tests;

public sealed class KafkaOptionsTests
{
    [Fact]
    public void Binds_from_the_Kafka_section_with_topic_defaults_for_what_is_not_set()
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Kafka:BootstrapServers"] = "kafka-1:9093,kafka-2:9093",
                ["Kafka:SecurityProtocol"] = "SaslSsl",
                ["Kafka:SaslMechanism"] = "ScramSha512",
                ["Kafka:SaslUsername"] = "booking",
                ["Kafka:SaslPassword"] = "secret",
                ["Kafka:SslCaLocation"] = "/etc/kafka/ca.pem",
                ["Kafka:Topics:Partitions"] = "6",
            })
            .Build();

        KafkaOptions options = configuration.GetSection(KafkaOptions.SectionName).Get<KafkaOptions>()!;

        Assert.Equal(SecurityProtocol.SaslSsl, options.SecurityProtocol);
        Assert.Equal(SaslMechanism.ScramSha512, options.SaslMechanism);
        Assert.Equal(6, options.Topics.Partitions);
        Assert.Equal(3, options.Topics.ReplicationFactor);
        Assert.Equal(604_800_000, options.Topics.RetentionMs);
        Assert.Equal(1_073_741_824, options.Topics.RetentionBytes);
    }

    [Fact]
    public void Apply_security_copies_the_settings_that_are_set_onto_any_client_config()
    {
        KafkaOptions options = new()
        {
            BootstrapServers = "kafka-1:9093",
            SecurityProtocol = SecurityProtocol.Ssl,
            SslCaLocation = "/etc/kafka/ca.pem",
            SslCertificateLocation = "/etc/kafka/client.pem",
            SslKeyLocation = "/etc/kafka/client.key",
        };

        ConsumerConfig consumer = options.ApplySecurity(new ConsumerConfig { SaslUsername = "kept" });
        AdminClientConfig admin = options.ApplySecurity(new AdminClientConfig());

        foreach (ClientConfig config in new ClientConfig[] { consumer, admin })
        {
            Assert.Equal(SecurityProtocol.Ssl, config.SecurityProtocol);
            Assert.Equal("/etc/kafka/ca.pem", config.SslCaLocation);
            Assert.Equal("/etc/kafka/client.pem", config.SslCertificateLocation);
            Assert.Equal("/etc/kafka/client.key", config.SslKeyLocation);
            Assert.Null(config.SaslMechanism);
        }

        Assert.Equal("kept", consumer.SaslUsername);
    }

    [Fact]
    public void Clients_of_the_embedded_cluster_stay_on_plaintext_whatever_the_security_settings()
    {
        KafkaOptions options = new() { SecurityProtocol = SecurityProtocol.SaslSsl, SaslUsername = "booking" };
        ProducerConfig producer = options.ApplySecurity(new ProducerConfig());

        new EmbeddedClientTuning().Override(producer);

        Assert.Equal(SecurityProtocol.Plaintext, producer.SecurityProtocol);
        Assert.Null(producer.SaslUsername);
    }

    [Fact]
    public void Topic_names_include_a_dead_letter_topic_for_each_event_topic()
    {
        Assert.Equal(6, TopicNames.All.Distinct().Count());
        foreach (string topic in new[] { TopicNames.ReservationEvents, TopicNames.PaymentEvents, TopicNames.ConcertEvents })
        {
            Assert.Contains(TopicNames.DeadLetterFor(topic), TopicNames.All);
        }

        Assert.Equal("payment-events.DLT", TopicNames.PaymentEventsDeadLetter);
    }
}
