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
}
