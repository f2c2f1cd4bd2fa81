using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace ConcertBooking.DataPlatform;

/// <summary>The data-platform group's live handler: archive and analytics in the batch's one transaction, together
/// with the group's processed-event records.</summary>
public sealed class DataPlatformEventHandler(
    WriteTransactions<DataPlatformDbContext> transactions, [ServiceKey] string groupId, DataPlatformWriter writer, TimeProvider clock)
    : IdempotentEventHandler<DataPlatformDbContext>(transactions, groupId, clock)
{
    protected override Task ApplyAsync(DataPlatformDbContext db, IReadOnlyList<ConsumedEvent> events, CancellationToken cancellationToken) =>
        writer.ApplyAsync(db, events, cancellationToken);
}
