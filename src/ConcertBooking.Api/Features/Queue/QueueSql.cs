using ConcertBooking.Contracts;
using ConcertBooking.Infrastructure.Persistence;
using ConcertBooking.Infrastructure.Sql;

namespace ConcertBooking.Api.Features.Queue;

/// <summary>
/// The waiting room's conditional statements. Every change that hands out place numbers or admissions first takes
/// the queue row (a conditional update on <c>ConcertQueues</c>), so concurrent joins and admission passes in any
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

    // Taken by a pre-queue join so that it cannot commit after the drawing has numbered the others.
    private const string LockPreQueue = """
        UPDATE "ConcertQueues" SET "LastNumber" = "LastNumber" WHERE "ConcertId" = @concertId AND "NumberedAt" IS NULL
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

    /// <summary>True when the pre-queue is still open (not yet drawn); the queue row stays locked until commit.</summary>
    public static async Task<bool> HoldPreQueueAsync(this BookingDbContext db, long concertId, CancellationToken ct)
    {
        await using var hold = db.Command(LockPreQueue).With("concertId", concertId);
        return await hold.ExecuteNonQueryAsync(ct) > 0;
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
