using ConcertBooking.Infrastructure.Persistence;
using ConcertBooking.Infrastructure.Sql;

namespace ConcertBooking.Api.Features.Reservations;

/// <summary>
/// The per-fan, per-concert seat count in <c>FanTicketCounts</c>. Taking a ticket is one upsert whose update only
/// happens below the concert's limit: on PostgreSQL concurrent holds of one fan queue on the row and each re-checks
/// the count it finds, on SQLite writers are serialized anyway, so a fan racing ten holds gets at most the limit.
/// </summary>
internal static class TicketLimit
{
    private const string Take = """
        INSERT INTO "FanTicketCounts" ("UserId", "ConcertId", "Active") VALUES (@userId, @concertId, 1)
        ON CONFLICT ("UserId", "ConcertId") DO UPDATE SET "Active" = "FanTicketCounts"."Active" + 1
        WHERE "FanTicketCounts"."Active" < COALESCE(
            (SELECT "MaxTicketsPerFan" FROM "ConcertSalesPolicies" WHERE "ConcertId" = @concertId), @defaultLimit)
        RETURNING "Active"
        """;

    private const string Return = """
        UPDATE "FanTicketCounts" SET "Active" = "Active" - 1
        WHERE "UserId" = @userId AND "ConcertId" = @concertId AND "Active" > 0
        """;

    private const string Limit = """
        SELECT COALESCE((SELECT "MaxTicketsPerFan" FROM "ConcertSalesPolicies" WHERE "ConcertId" = @concertId), @defaultLimit)
        """;

    /// <summary>Counts one more seat for the fan; false when that would pass the concert's limit.</summary>
    public static async Task<bool> TryTakeAsync(this BookingDbContext db, long userId, long concertId, int defaultLimit, CancellationToken ct)
    {
        var command = db.Kept(Take)
            .With("userId", userId).With("concertId", concertId).With("defaultLimit", defaultLimit);
        return await command.ExecuteScalarAsync(ct) is not null;
    }

    /// <summary>Counts one seat less: a hold of the fan was cancelled or expired.</summary>
    public static async Task ReturnAsync(this BookingDbContext db, long userId, long concertId, CancellationToken ct)
    {
        await using var command = db.Command(Return).With("userId", userId).With("concertId", concertId);
        await command.ExecuteNonQueryAsync(ct);
    }

    public static async Task<int> LimitAsync(this BookingDbContext db, long concertId, int defaultLimit, CancellationToken ct)
    {
        await using var command = db.Command(Limit).With("concertId", concertId).With("defaultLimit", defaultLimit);
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
