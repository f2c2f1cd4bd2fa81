using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ConcertBooking.Messaging.Embedded;

/// <summary>Creates topics through the mock's C API: it does not serve the admin client's CreateTopics.</summary>
public sealed partial class EmbeddedTopicCreator(EmbeddedKafkaCluster cluster, ILogger logger) : ITopicCreator
{
    public IReadOnlyList<string> Create(IReadOnlyList<string> topics, KafkaTopicOptions options, List<string> created)
    {
        // The mock has no topic configs; its retention is a fixed per-partition cap.
        LogRetentionIgnored(logger, options.RetentionMs, options.RetentionBytes);
        List<string> racedIn = [];
        foreach (var topic in topics)
        {
            try
            {
                cluster.CreateTopic(topic, options.Partitions, options.ReplicationFactor);
                created.Add(topic);
            }
            catch (KafkaException e) when (e.Error.Code == ErrorCode.TopicAlreadyExists)
            {
                racedIn.Add(topic);
            }
        }

        return racedIn;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded Kafka cannot apply retention.ms={RetentionMs} and retention.bytes={RetentionBytes}; each partition instead keeps at most about 5 MiB / 100000 records and drops the oldest silently")]
    private static partial void LogRetentionIgnored(ILogger logger, long retentionMs, long retentionBytes);
}
