using ConcertBooking.Messaging.Consumers;
using Microsoft.Extensions.DependencyInjection;

namespace ConcertBooking.DataPlatform;

/// <summary>The data-platform group's live handler: archive and analytics in the batch's one transaction, together
/// with the group's processed-event records.</summary>
public sealed class DataPlatformEventHandler(DataPlatformDbContext db, [ServiceKey] string groupId, DataPlatformWriter writer, TimeProvider clock)
    : IdempotentEventHandler<DataPlatformDbContext>(db, groupId, clock)
{
    protected override Task ApplyAsync(IReadOnlyList<ConsumedEvent> events, CancellationToken cancellationToken) =>
        writer.ApplyAsync(events, cancellationToken);
}
