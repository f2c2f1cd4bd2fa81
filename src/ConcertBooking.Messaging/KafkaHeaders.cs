namespace ConcertBooking.Messaging;

/// <summary>Header names we put on records. Consumers and kcat users can read them without parsing the value.</summary>
public static class KafkaHeaders
{
    public const string EventType = "eventType";
    public const string EventId = "eventId";
    public const string TraceParent = "traceparent";

    /// <summary>The event's schema version, as in its value (see <see cref="ConcertBooking.Contracts.EventSchemas"/>).</summary>
    public const string SchemaVersion = ConcertBooking.Contracts.EventSchemas.VersionPropertyName;

    public const string DeadLetterOriginalTopic = "dlt.original.topic";
    public const string DeadLetterOriginalPartition = "dlt.original.partition";
    public const string DeadLetterOriginalOffset = "dlt.original.offset";
    public const string DeadLetterGroup = "dlt.group";
    public const string DeadLetterExceptionType = "dlt.exception.type";
    public const string DeadLetterExceptionMessage = "dlt.exception.message";
    public const string DeadLetterAttempts = "dlt.attempts";
    public const string DeadLetterFailedAt = "dlt.failed.at";

    /// <summary>Set on a dead letter put back on its original topic: the dead letter's topic/partition/offset.</summary>
    public const string RedrivenFrom = "dlt.redriven.from";

    /// <summary>Prefix of our failure headers; a redriven record goes back without them.</summary>
    public const string DeadLetterPrefix = "dlt.";

    /// <summary>Prefix of Spring Kafka's failure headers (<c>KafkaHeaders.DLT_*</c>), written beside ours.</summary>
    public const string SpringDeadLetterPrefix = "kafka_dlt-";

    public const string SpringOriginalTopic = "kafka_dlt-original-topic";
    public const string SpringOriginalPartition = "kafka_dlt-original-partition";
    public const string SpringOriginalOffset = "kafka_dlt-original-offset";
    public const string SpringOriginalTimestamp = "kafka_dlt-original-timestamp";
    public const string SpringOriginalTimestampType = "kafka_dlt-original-timestamp-type";
    public const string SpringOriginalConsumerGroup = "kafka_dlt-original-consumer-group";
    public const string SpringExceptionFqcn = "kafka_dlt-exception-fqcn";
    public const string SpringExceptionMessage = "kafka_dlt-exception-message";
}
