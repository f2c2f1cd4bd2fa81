namespace ConcertBooking.Messaging.Embedded;

/// <summary>Bound from <c>Kafka:Embedded</c>.</summary>
public sealed class EmbeddedKafkaOptions
{
    public const string SectionName = "Kafka:Embedded";

    /// <summary>Keep new events in the outbox while any partition's unread backlog nears the mock's per-partition
    /// cap. Off by default: it paces every group to the slowest one, whereas lagging groups repair their own gaps
    /// from the outbox and the others go on at full speed.</summary>
    public bool HoldBackWhenLagging { get; set; }

    /// <summary>How long a process that found another one's cluster waits for it to answer.</summary>
    public TimeSpan JoinTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
