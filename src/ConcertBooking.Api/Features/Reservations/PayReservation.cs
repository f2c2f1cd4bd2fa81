using ConcertBooking.Api.Features.Queue;
using ConcertBooking.Contracts;
using ConcertBooking.Domain.Common;
using ConcertBooking.Domain.Payments;
using ConcertBooking.Infrastructure.Persistence;
using ConcertBooking.Infrastructure.Sql;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Api.Features.Reservations;

/// <summary>
/// Pays a held reservation from the points balance in one transaction of conditional statements: the reservation
/// turns CONFIRMED only if it is the caller's, HELD and not lapsed; the balance is debited only if it covers the
/// amount; the seat is sold; the concert's sold count rises and the payment that sells its last seat marks it sold
/// out; PAYMENT_COMPLETED (and CONCERT_SOLD_OUT) go into the outbox. Only a refused payment reads, to say why. It
/// runs inside the caller's write transaction, on the context it is given.
/// </summary>
public sealed class PayReservation(TimeProvider clock)
{
    private const string Confirm = """
        UPDATE "Reservations" SET "Status" = 'Confirmed', "ConfirmedAt" = @now, "Version" = "Version" + 1
        WHERE "Id" = @reservationId AND "UserId" = @userId AND "Status" = 'Held' AND "ExpiresAt" > @now
        RETURNING "SeatId", "ConcertId", "Amount"
        """;

    // Concurrent payments from one balance serialize on the user row and each re-checks the balance it finds.
    private const string Debit = """
        UPDATE "Users" SET "Balance" = "Balance" - @amount WHERE "Id" = @userId AND "Balance" >= @amount
        """;

    private const string SellSeat = """
        UPDATE "Seats" SET "Status" = 'Sold', "HeldUntil" = NULL, "Version" = "Version" + 1 WHERE "Id" = @seatId
        """;

    private const string InsertPayment = """
        INSERT INTO "Payments" ("ReservationId", "UserId", "Amount", "Method", "Status", "PaidAt")
        VALUES (@reservationId, @userId, @amount, @method, 'Completed', @now)
        RETURNING "Id"
        """;

    // Under the row lock this update takes, exactly one payment sees the last seat sold.
    private const string CountSale = """
        UPDATE "Concerts" SET "SoldSeats" = "SoldSeats" + 1 WHERE "Id" = @concertId
        RETURNING "SoldSeats", "TotalSeats", "SoldOutAt", "Name", "BookingOpensAt"
        """;

    private const string MarkSoldOut = """
        UPDATE "Concerts" SET "SoldOutAt" = @now WHERE "Id" = @concertId AND "SoldOutAt" IS NULL
        """;

    public async Task<PaymentDto> PayAsync(BookingDbContext db, long userId, long reservationId, PaymentMethod method, CancellationToken ct)
    {
        var now = RawSql.ToMicroseconds(clock.GetUtcNow());
        var (seatId, concertId, amount) = await ConfirmAsync(db, userId, reservationId, now, ct);

        await using (var debit = db.Command(Debit).With("amount", amount).With("userId", userId))
        {
            if (await debit.ExecuteNonQueryAsync(ct) == 0)
            {
                var balance = await db.Users.Where(u => u.Id == userId).Select(u => u.Balance).FirstAsync(ct);
                throw BookingErrors.InsufficientBalance(balance, amount);
            }
        }

        await using (var sell = db.Command(SellSeat).With("seatId", seatId))
        {
            await sell.ExecuteNonQueryAsync(ct);
        }

        long paymentId;
        await using (var insert = db.Command(InsertPayment)
            .With("reservationId", reservationId).With("userId", userId).With("amount", amount).With("method", method).With("now", now))
        {
            paymentId = Convert.ToInt64(await insert.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }

        await db.AddToOutboxAsync(
            new PaymentCompleted(paymentId, reservationId, userId, amount, method.ToString().ToUpperInvariant()) { OccurredAt = now }, ct);
        await db.FinishTurnAsync(concertId, userId, now, ct);
        await CountSaleAsync(db, concertId, now, ct);
        return new PaymentDto(paymentId, reservationId, amount, method, PaymentStatus.Completed, now);
    }

    private static async Task<(long SeatId, long ConcertId, long Amount)> ConfirmAsync(BookingDbContext db, long userId, long reservationId, DateTimeOffset now, CancellationToken ct)
    {
        await using (var confirm = db.Command(Confirm).With("reservationId", reservationId).With("userId", userId).With("now", now))
        {
            await using var reader = await confirm.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
            }
        }

        var reservation = await db.Reservations.AsNoTracking().FirstOrDefaultAsync(r => r.Id == reservationId, ct)
            ?? throw BookingErrors.NotFound("Reservation", reservationId);
        if (reservation.UserId != userId)
        {
            throw BookingErrors.Forbidden($"Reservation {reservationId} belongs to another fan.");
        }

        reservation.EnsureHeld(now);
        throw BookingErrors.ReservationNotHeld(reservationId, "no longer HELD");
    }

    private static async Task CountSaleAsync(BookingDbContext db, long concertId, DateTimeOffset now, CancellationToken ct)
    {
        ConcertSoldOut? soldOut = null;
        await using (var count = db.Command(CountSale).With("concertId", concertId))
        {
            await using var reader = await count.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var (sold, total) = (reader.GetInt32(0), reader.GetInt32(1));
            if (sold >= total && reader.IsDBNull(2))
            {
                soldOut = new ConcertSoldOut(concertId, reader.GetString(3), now, reader.GetTimestamp(4), total) { OccurredAt = now };
            }
        }

        if (soldOut is not null)
        {
            await using (var mark = db.Command(MarkSoldOut).With("now", now).With("concertId", concertId))
            {
                await mark.ExecuteNonQueryAsync(ct);
            }

            await db.AddToOutboxAsync(soldOut, ct);
            await db.CloseQueueAsync(concertId, soldOut.ConcertName, now, ct);
        }
    }
}
