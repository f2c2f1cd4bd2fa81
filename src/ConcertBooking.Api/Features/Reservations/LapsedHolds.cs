using ConcertBooking.Contracts;
using ConcertBooking.Infrastructure.Persistence;
using ConcertBooking.Infrastructure.Sql;

namespace ConcertBooking.Api.Features.Reservations;

/// <summary>
/// Expires lapsed holds inside a hold's transaction, when they stand in its way: the seat's previous hold ran out
/// but the sweeper has not released it yet, or the fan's own lapsed holds still count against the ticket limit.
/// Each is what the sweeper would do: reservation EXPIRED, seat released unless held again, the fan's count
/// lowered, RESERVATION_EXPIRED in the outbox.
/// </summary>
internal static class LapsedHolds
{
    private const string ExpireReturning = """
        UPDATE "Reservations" SET "Status" = 'Expired', "EndedAt" = @now, "Version" = "Version" + 1
        WHERE "Status" = 'Held' AND "ExpiresAt" <= @now AND {0}
        RETURNING "Id", "UserId", "ConcertId", "SeatId", "ExpiresAt"
        """;

    private const string ReleaseSeat = """
        UPDATE "Seats" SET "Status" = 'Available', "HeldUntil" = NULL, "Version" = "Version" + 1
        WHERE "Id" = @seatId AND "Status" = 'Held' AND "HeldUntil" = @heldUntil
        """;

    private static readonly string ExpireForSeat =
        string.Format(System.Globalization.CultureInfo.InvariantCulture, ExpireReturning, "\"SeatId\" = @seatId");

    private static readonly string ExpireForFan =
        string.Format(System.Globalization.CultureInfo.InvariantCulture, ExpireReturning, "\"UserId\" = @userId AND \"ConcertId\" = @concertId");

    public static Task<int> ExpireForSeatAsync(this BookingDbContext db, long seatId, DateTimeOffset now, CancellationToken ct) =>
        db.ExpireAsync(ExpireForSeat, now, ("seatId", seatId), null, ct);

    public static Task<int> ExpireForFanAsync(this BookingDbContext db, long userId, long concertId, DateTimeOffset now, CancellationToken ct) =>
        db.ExpireAsync(ExpireForFan, now, ("userId", userId), ("concertId", concertId), ct);

    private static async Task<int> ExpireAsync(
        this BookingDbContext db, string sql, DateTimeOffset now, (string Name, long Value) first, (string Name, long Value)? second, CancellationToken ct)
    {
        var expired = new List<ReservationExpired>();
        var heldUntil = new List<DateTimeOffset>();
        // Kept prepared: a lost seat race runs this on every refused hold.
        var command = db.Kept(sql).With("now", now).With(first.Name, first.Value);
        if (second is { } extra)
        {
            command.With(extra.Name, extra.Value);
        }

        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                expired.Add(new ReservationExpired(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)) { OccurredAt = now });
                heldUntil.Add(reader.GetTimestamp(4));
            }
        }

        for (var i = 0; i < expired.Count; i++)
        {
            await using (var release = db.Command(ReleaseSeat).With("seatId", expired[i].SeatId).With("heldUntil", heldUntil[i]))
            {
                await release.ExecuteNonQueryAsync(ct);
            }

            await db.ReturnAsync(expired[i].UserId, expired[i].ConcertId, ct);
            await db.AddToOutboxAsync(expired[i], ct);
        }

        return expired.Count;
    }
}
