using ConcertBooking.Messaging.Consumers;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.DataPlatform.Rebuild;

/// <summary>The data platform's analytics, rebuilt through the live write path. The archive is not a read model:
/// it is never emptied, only completed with replayed events it lacks.</summary>
public sealed class DataPlatformRebuilder(DataPlatformDbContext db, DataPlatformWriter writer) : IReadModelRebuilder
{
    public DbContext Db => db;

    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite())
        {
            // Conflicts with the ROW EXCLUSIVE lock every live batch takes first (see DataPlatformWriter).
            await db.Database.ExecuteSqlRawAsync("""LOCK TABLE "EventArchive" IN SHARE ROW EXCLUSIVE MODE""", cancellationToken);
        }

        await db.ReservationActivity.ExecuteDeleteAsync(cancellationToken);
        await db.HourlyReservations.ExecuteDeleteAsync(cancellationToken);
        await db.ConcertSales.ExecuteDeleteAsync(cancellationToken);
        await db.QueueMinutes.ExecuteDeleteAsync(cancellationToken);
    }

    public Task ApplyAsync(IReadOnlyList<ConsumedEvent> events, CancellationToken cancellationToken) =>
        writer.ApplyAsync(db, events, cancellationToken);
}
