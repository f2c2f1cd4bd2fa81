using ConcertBooking.Contracts;

namespace ConcertBooking.Messaging.Consumers;

/// <summary>An event as a consumer group received it: the event and where it sat in Kafka.</summary>
public sealed record ConsumedEvent(IntegrationEvent Event, string Topic, int Partition, long Offset, string? Key);

/// <summary>
/// A consumer group's business logic. It gets events in batches (one per poll) so that it can do one database
/// transaction per batch; it must be idempotent, because delivery is at least once.
/// </summary>
public interface IEventBatchHandler
{
    Task HandleAsync(IReadOnlyList<ConsumedEvent> events, CancellationToken cancellationToken);
}
