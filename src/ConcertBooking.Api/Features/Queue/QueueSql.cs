using ConcertBooking.Contracts;
using ConcertBooking.Infrastructure.Persistence;
using ConcertBooking.Infrastructure.Sql;
using ConcertBooking.Persistence;

namespace ConcertBooking.Api.Features.Queue;

/// <summary>
/// The waiting room's conditional statements. Every change that hands out place numbers or admissions first takes
/// the queue row (a conditional update on <c>ConcertQueues</c>; a pre-queue join only shares it on PostgreSQL, as
/// it hands out nothing), so concurrent joins and admission passes in any
/// number of API processes serialize on it: numbers are never handed out twice and admissions never pass
/// <c>MaxActiveShoppers</c>.
/// </summary>
internal static class QueueSql
{
    // Claims the drawing: only the first caller at or after the opening second finds NumberedAt empty.
    private const string ClaimDrawing = """
        UPDATE "ConcertQueues" SET "NumberedAt" = @now WHERE "ConcertId" = @concertId AND "NumberedAt" IS NULL
        """;

    // random() on both providers: the pre-queue's order owes nothing to when (or how early) each fan joined.
    private const string DrawPreQueue = """
        UPDATE "QueueEntries" SET "Number" = drawn.n
        FROM (SELECT "Id", ROW_NUMBER() OVER (ORDER BY random()) AS n FROM "QueueEntries"
              WHERE "ConcertId" = @concertId AND "Number" IS NULL) AS drawn
        WHERE "QueueEntries"."Id" = drawn."Id"
        """;

    private const string SetLastNumber = """
        UPDATE "ConcertQueues" SET "LastNumber" = (SELECT COUNT(*) FROM "QueueEntries" WHERE "ConcertId" = @concertId)
        WHERE "ConcertId" = @concertId
        """;

    private const string NextNumber = """
        UPDATE "ConcertQueues" SET "LastNumber" = "LastNumber" + 1 WHERE "ConcertId" = @concertId RETURNING "LastNumber"
        """;

    // Taken by a pre-queue join so that it cannot commit after the drawing has numbered the others. On PostgreSQL
    // a shared row lock: pre-queue joins do not wait for each other, only the drawing's update waits for them all
    // (and a join that comes after the drawing finds NumberedAt set, so it takes a number). SQLite has one writer
    // at a time anyway, so an update is the lock there.
    private const string LockPreQueue = """
        UPDATE "ConcertQueues" SET "LastNumber" = "LastNumber" WHERE "ConcertId" = @concertId AND "NumberedAt" IS NULL
        """;

    private const string SharePreQueue = """
        SELECT 1 FROM "ConcertQueues" WHERE "ConcertId" = @concertId AND "NumberedAt" IS NULL FOR SHARE
        """;

    private const string Finish = """
        UPDATE "QueueEntries" SET "Status" = 'Finished', "EndedAt" = @now
        WHERE "ConcertId" = @concertId AND "UserId" = @userId AND "Status" = 'Admitted'
        """;

    private const string Leave = """
        UPDATE "QueueEntries" SET "Status" = 'Finished', "EndedAt" = @now
        WHERE "ConcertId" = @concertId AND "UserId" = @userId AND "Status" IN ('Waiting', 'Admitted')
        """;

    private const string CloseQueue = """
        UPDATE "ConcertQueues" SET "ClosedAt" = @now WHERE "ConcertId" = @concertId AND "ClosedAt" IS NULL
        """;

    private const string StillWaiting = """
        SELECT "UserId" FROM "QueueEntries" WHERE "ConcertId" = @concertId AND "Status" = 'Waiting' ORDER BY "Id"
        """;

    /// <summary>The concert sold out: its waiting room closes and QUEUE_CLOSED names every fan still waiting, so
    /// each can be told.</summary>
    public static async Task CloseQueueAsync(this BookingDbContext db, long concertId, string concertName, DateTimeOffset now, CancellationToken ct)
    {
        await using (var close = db.Command(CloseQueue).With("now", now).With("concertId", concertId))
        {
            if (await close.ExecuteNonQueryAsync(ct) == 0)
            {
                return;
            }
        }

        var waiting = new List<long>();
        await using (var select = db.Command(StillWaiting).With("concertId", concertId))
        {
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                waiting.Add(reader.GetInt64(0));
            }
        }

        await db.AddToOutboxAsync(new QueueClosed(concertId, concertName, waiting) { OccurredAt = now }, ct);
    }

    /// <summary>At or after the opening second: numbers the pre-queue in random order, once.</summary>
    public static async Task DrawIfDueAsync(this BookingDbContext db, long concertId, DateTimeOffset now, CancellationToken ct)
    {
        await using var claim = db.Command(ClaimDrawing).With("now", now).With("concertId", concertId);
        if (await claim.ExecuteNonQueryAsync(ct) == 0)
        {
            return;
        }

        await using var draw = db.Command(DrawPreQueue).With("concertId", concertId);
        await draw.ExecuteNonQueryAsync(ct);
        await using var last = db.Command(SetLastNumber).With("concertId", concertId);
        await last.ExecuteNonQueryAsync(ct);
    }

    public static async Task<long> NextNumberAsync(this BookingDbContext db, long concertId, CancellationToken ct)
    {
        await using var next = db.Command(NextNumber).With("concertId", concertId);
        return Convert.ToInt64(await next.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>True when the pre-queue is still open (not yet drawn); the queue row stays locked (shared on
    /// PostgreSQL) until commit. Call it only when the queue row was read undrawn.</summary>
    public static async Task<bool> HoldPreQueueAsync(this BookingDbContext db, long concertId, CancellationToken ct)
    {
        if (db.Database.IsSqlite())
        {
            await using var hold = db.Command(LockPreQueue).With("concertId", concertId);
            return await hold.ExecuteNonQueryAsync(ct) > 0;
        }

        // Called only when the queue row read unnumbered: no row now means it was drawn meanwhile, and PostgreSQL may
        // have left this transaction a shared lock on it. Taking a number would upgrade that lock, which deadlocks
        // with any other join doing the same, so the join starts over instead.
        await using var share = db.Command(SharePreQueue).With("concertId", concertId);
        return await share.ExecuteScalarAsync(ct) is not null ? true : throw new PreQueueDrawnMeanwhile();
    }

    /// <summary>The fan gives up their place or their turn; false when they had neither.</summary>
    public static async Task<bool> LeaveQueueAsync(this BookingDbContext db, long concertId, long userId, DateTimeOffset now, CancellationToken ct)
    {
        await using var leave = db.Command(Leave).With("now", now).With("concertId", concertId).With("userId", userId);
        return await leave.ExecuteNonQueryAsync(ct) > 0;
    }

    /// <summary>Ends an admitted fan's shopping turn (they paid or cancelled), so the next fan can be let in.</summary>
    public static async Task FinishTurnAsync(this BookingDbContext db, long concertId, long userId, DateTimeOffset now, CancellationToken ct)
    {
        await using var finish = db.Command(Finish).With("now", now).With("concertId", concertId).With("userId", userId);
        await finish.ExecuteNonQueryAsync(ct);
    }
}
