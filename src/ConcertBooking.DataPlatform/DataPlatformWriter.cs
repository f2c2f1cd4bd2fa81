using ConcertBooking.Contracts;
using ConcertBooking.DataPlatform.Analytics;
using ConcertBooking.DataPlatform.Archive;
using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.DataPlatform;

/// <summary>
/// Writes a batch of events into the archive and the analytics read models, inside the caller's transaction: new
/// rows are inserted at once (in bulk), changes to existing rows wait for the caller's SaveChanges. The live
/// handler and the rebuild both go through here, so a rebuilt read model is made by the very code that made it
/// live. A batch costs a handful of queries whatever its size: one per table to find the rows it touches, then the
/// inserts and updates, plus one upsert per hour it counts.
/// </summary>
public sealed class DataPlatformWriter(TimeProvider clock)
{
    public async Task ApplyAsync(DataPlatformDbContext db, IReadOnlyList<ConsumedEvent> events, CancellationToken cancellationToken)
    {
        if (!DbConventions.IsSqlite(db.Database))
        {
            // The lock an archive insert takes anyway, taken first: a rebuild (which locks the archive against
            // inserts) and this batch then queue up instead of deadlocking on rows the other already holds.
            await db.Database.ExecuteSqlRawAsync("""LOCK TABLE "EventArchive" IN ROW EXCLUSIVE MODE""", cancellationToken);
        }

        await ArchiveAsync(db, events, cancellationToken);
        await ApplyToReservationsAsync(db, events, cancellationToken);
        await ApplyToSalesAsync(db, events, cancellationToken);
        await CountHourlyAsync(db, events, cancellationToken);
        await CountQueuesAsync(db, events, cancellationToken);
    }

    private async Task ArchiveAsync(DataPlatformDbContext db, IReadOnlyList<ConsumedEvent> events, CancellationToken cancellationToken)
    {
        // The group's processed-events records already keep repeats out; this also covers a rebuild, which may
        // replay events the archive has.
        var ids = events.Select(e => e.EventId).ToList();
        var archived = (await db.ArchivedEvents
            .Where(a => ids.Contains(a.EventId))
            .Select(a => a.EventId)
            .ToListAsync(cancellationToken)).ToHashSet();
        var now = clock.GetUtcNow();
        await db.BulkInsertAsync(events.Where(e => archived.Add(e.EventId)).Select(e => ArchivedEvent.From(e, now)).ToList(), cancellationToken);
    }

    private async Task ApplyToReservationsAsync(DataPlatformDbContext db, IReadOnlyList<ConsumedEvent> events, CancellationToken cancellationToken)
    {
        var ids = events.Select(e => ReservationActivity.ReservationIdOf(e.Event)).OfType<long>().Distinct().ToList();
        if (ids.Count == 0)
        {
            return;
        }

        var activities = await db.ReservationActivity
            .Where(a => ids.Contains(a.ReservationId))
            .ToDictionaryAsync(a => a.ReservationId, cancellationToken);
        var added = new List<ReservationActivity>();
        foreach (var consumed in events)
        {
            if (ReservationActivity.ReservationIdOf(consumed.Event) is not { } reservationId)
            {
                continue;
            }

            if (!activities.TryGetValue(reservationId, out var activity))
            {
                activity = new ReservationActivity { ReservationId = reservationId };
                activities.Add(reservationId, activity);
                added.Add(activity);
            }

            activity.Apply(consumed.Event);
        }

        await db.BulkInsertAsync(added, cancellationToken);
    }

    private async Task ApplyToSalesAsync(DataPlatformDbContext db, IReadOnlyList<ConsumedEvent> events, CancellationToken cancellationToken)
    {
        var soldOut = events.Select(e => e.Event).OfType<ConcertSoldOut>()
            .GroupBy(e => e.ConcertId)
            .Select(g => g.MinBy(e => e.SoldOutTime)!)
            .ToList();
        if (soldOut.Count == 0)
        {
            return;
        }

        var concertIds = soldOut.Select(e => e.ConcertId).ToList();
        var known = (await db.ConcertSales
            .Where(s => concertIds.Contains(s.ConcertId))
            .Select(s => s.ConcertId)
            .ToListAsync(cancellationToken)).ToHashSet();
        db.ConcertSales.AddRange(soldOut.Where(e => !known.Contains(e.ConcertId)).Select(ConcertSale.From));
    }

    private async Task CountHourlyAsync(DataPlatformDbContext db, IReadOnlyList<ConsumedEvent> events, CancellationToken cancellationToken)
    {
        var perHour = events.Select(e => e.Event).OfType<ReservationCreated>()
            .GroupBy(e => HourlyReservations.HourOf(e.OccurredAt))
            .Select(g => (Hour: g.Key, Count: g.LongCount()));

        // An increment in SQL, not read-modify-write: instances of the group on other partitions count into the
        // same hour at the same time.
        foreach (var (hour, count) in perHour)
        {
            await db.Database.ExecuteSqlRawAsync(
                """
                INSERT INTO "AnalyticsHourlyReservations" ("HourStart", "Reservations") VALUES ({0}, {1})
                ON CONFLICT ("HourStart") DO UPDATE SET "Reservations" = "AnalyticsHourlyReservations"."Reservations" + excluded."Reservations"
                """,
                [db.Database.ToStored(hour), count],
                cancellationToken);
        }
    }

    private async Task CountQueuesAsync(DataPlatformDbContext db, IReadOnlyList<ConsumedEvent> events, CancellationToken cancellationToken)
    {
        // Increments in SQL, as for the hourly counts: several instances may count into the same minute.
        foreach (var minute in QueueMinute.Sum(events.Select(e => QueueMinute.Of(e.Event)).OfType<QueueMinute>()))
        {
            await db.Database.ExecuteSqlRawAsync(
                """
                INSERT INTO "AnalyticsQueueMinutes" ("ConcertId", "MinuteStart", "Joined", "Admitted", "ClosedOut", "WaitSeconds", "MaxWaitSeconds")
                VALUES ({0}, {1}, {2}, {3}, {4}, {5}, {6})
                ON CONFLICT ("ConcertId", "MinuteStart") DO UPDATE SET
                    "Joined" = "AnalyticsQueueMinutes"."Joined" + excluded."Joined",
                    "Admitted" = "AnalyticsQueueMinutes"."Admitted" + excluded."Admitted",
                    "ClosedOut" = "AnalyticsQueueMinutes"."ClosedOut" + excluded."ClosedOut",
                    "WaitSeconds" = "AnalyticsQueueMinutes"."WaitSeconds" + excluded."WaitSeconds",
                    "MaxWaitSeconds" = CASE WHEN excluded."MaxWaitSeconds" > "AnalyticsQueueMinutes"."MaxWaitSeconds"
                        THEN excluded."MaxWaitSeconds" ELSE "AnalyticsQueueMinutes"."MaxWaitSeconds" END
                """,
                [minute.ConcertId, db.Database.ToStored(minute.MinuteStart), minute.Joined, minute.Admitted, minute.ClosedOut, minute.WaitSeconds, minute.MaxWaitSeconds],
                cancellationToken);
        }
    }
}
