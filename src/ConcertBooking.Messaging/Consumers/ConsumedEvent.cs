using ConcertBooking.Contracts;

namespace ConcertBooking.Messaging.Consumers;

/// <summary>An event as a consumer group received it: the event and where it sat in Kafka.</summary>
public sealed record ConsumedEvent(IntegrationEvent Event, string Topic, int Partition, long Offset, string? Key)
{
    /// <summary>The record's value exactly as it was on the wire, for groups that keep what they received (an audit
    /// trail must not be a re-serialization that drops fields this version does not know). Empty when the event did
    /// not come from a record.</summary>
    public ReadOnlyMemory<byte> Value { get; init; }
}

/// <summary>
/// A consumer group's business logic. It gets events in batches (one per poll) so that it can do one database
/// transaction per batch; it must be idempotent, because delivery is at least once.
/// </summary>
public interface IEventBatchHandler
{
    Task HandleAsync(IReadOnlyList<ConsumedEvent> events, CancellationToken cancellationToken);
}
