using ConcertBooking.Messaging.Consumers;

namespace ConcertBooking.DataPlatform;

/// <summary>The data-platform group's live handler: archive and analytics in the batch's one transaction, together
/// with the group's processed-event records.</summary>
public sealed class DataPlatformEventHandler(DataPlatformDbContext db, DataPlatformWriter writer, TimeProvider clock)
    : IdempotentEventHandler<DataPlatformDbContext>(db, DataPlatformService.GroupId, clock)
{
    protected override Task ApplyAsync(IReadOnlyList<ConsumedEvent> events, CancellationToken cancellationToken) =>
        writer.ApplyAsync(events, cancellationToken);
}
