using System.Data.Common;
using ConcertBooking.Bench.Measurement;
using ConcertBooking.Contracts;
using ConcertBooking.Messaging.Outbox;

namespace ConcertBooking.Bench.Booking;

/// <summary>A fan of the raw phase, as the API's hold path would look with nothing between it and the database.</summary>
public sealed record RawFan(long UserId, string Email);

/// <summary>
/// The API's hold transaction issued directly through ADO.NET on one connection: BEGIN (IMMEDIATE on SQLite), the
/// seat's conditional update, the reservation insert, the outbox insert of its RESERVATION_CREATED event, COMMIT.
/// Column names and value encodings are the API's schema (UTC ticks and upper-case text on SQLite). The update returns
/// the seat's price, which the reservation records as its amount, so no extra read is needed.
/// </summary>
public sealed class RawHoldClient : IHoldClient
{
    private readonly BenchDatabase _database;
    private readonly DbConnection _connection;
    private readonly RawFan _fan;
    private readonly long _concertId;
    private readonly string _concertName;
    private readonly TimeSpan _holdDuration;
    private readonly DbCommand _updateSeat;
    private readonly DbCommand _insertReservation;
    private readonly DbCommand _insertOutbox;

    private RawHoldClient(BenchDatabase database, DbConnection connection, RawFan fan, long concertId, string concertName, TimeSpan holdDuration)
    {
        _database = database;
        _connection = connection;
        _fan = fan;
        _concertId = concertId;
        _concertName = concertName;
        _holdDuration = holdDuration;
        _updateSeat = Command("""
            UPDATE "Seats" SET "Status" = 'Held', "HeldUntil" = @heldUntil, "Version" = "Version" + 1
            WHERE "Id" = @id AND "Status" = 'Available'
            RETURNING "Price"
            """, "heldUntil", "id");
        _insertReservation = Command("""
            INSERT INTO "Reservations" ("UserId", "ConcertId", "SeatId", "Amount", "Status", "CreatedAt", "ExpiresAt", "ConfirmedAt", "EndedAt", "Version")
            VALUES (@userId, @concertId, @seatId, @amount, 'Held', @createdAt, @expiresAt, NULL, NULL, 0)
            RETURNING "Id"
            """, "userId", "concertId", "seatId", "amount", "createdAt", "expiresAt");
        _insertOutbox = Command("""
            INSERT INTO "OutboxMessages" ("EventId", "Topic", "Key", "EventType", "Payload", "OccurredAt", "SentAt")
            VALUES (@eventId, @topic, @key, @eventType, @payload, @occurredAt, NULL)
            """, "eventId", "topic", "key", "eventType", "payload", "occurredAt");
    }

    public static async Task<IHoldClient> OpenAsync(
        BenchDatabase database, RawFan fan, long concertId, string concertName, TimeSpan holdDuration, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken);
        return new RawHoldClient(database, connection, fan, concertId, concertName, holdDuration);
    }

    public async ValueTask<Attempt> HoldAsync(long seatId, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var expiresAt = now + _holdDuration;
        DbTransaction? transaction = null;
        try
        {
            transaction = await _database.BeginWriteAsync(_connection, cancellationToken);
            _updateSeat.Transaction = transaction;
            _updateSeat.Parameters["heldUntil"].Value = _database.Timestamp(expiresAt);
            _updateSeat.Parameters["id"].Value = seatId;
            if (await _updateSeat.ExecuteScalarAsync(cancellationToken) is not { } price)
            {
                await transaction.RollbackAsync(cancellationToken);
                return Attempt.Conflict;
            }

            var amount = Convert.ToInt64(price, System.Globalization.CultureInfo.InvariantCulture);
            _insertReservation.Transaction = transaction;
            _insertReservation.Parameters["userId"].Value = _fan.UserId;
            _insertReservation.Parameters["concertId"].Value = _concertId;
            _insertReservation.Parameters["seatId"].Value = seatId;
            _insertReservation.Parameters["amount"].Value = amount;
            _insertReservation.Parameters["createdAt"].Value = _database.Timestamp(now);
            _insertReservation.Parameters["expiresAt"].Value = _database.Timestamp(expiresAt);
            var reservationId = Convert.ToInt64(
                await _insertReservation.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);

            // The same event and serialization the API's outbox writer produces.
            var message = OutboxMessage.From(
                new ReservationCreated(reservationId, _fan.UserId, _concertId, seatId, amount, _fan.Email, _concertName)
                {
                    OccurredAt = now,
                    ExpiresAt = expiresAt,
                });
            _insertOutbox.Transaction = transaction;
            _insertOutbox.Parameters["eventId"].Value = _database.Uuid(message.EventId);
            _insertOutbox.Parameters["topic"].Value = message.Topic;
            _insertOutbox.Parameters["key"].Value = message.Key;
            _insertOutbox.Parameters["eventType"].Value = message.EventType;
            _insertOutbox.Parameters["payload"].Value = message.Payload;
            _insertOutbox.Parameters["occurredAt"].Value = _database.Timestamp(message.OccurredAt);
            await _insertOutbox.ExecuteNonQueryAsync(cancellationToken);

            await transaction.CommitAsync(cancellationToken);
            return Attempt.Held;
        }
        catch (DbException ex)
        {
            if (transaction is not null)
            {
                await TryRollbackAsync(transaction);
            }

            return Attempt.Failed($"{ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _updateSeat.DisposeAsync();
        await _insertReservation.DisposeAsync();
        await _insertOutbox.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private static async Task TryRollbackAsync(DbTransaction transaction)
    {
        try
        {
            await transaction.RollbackAsync(CancellationToken.None);
        }
        catch (DbException)
        {
            // The connection is broken or the transaction already ended; disposing it is all that is left.
        }
        catch (InvalidOperationException)
        {
            // Already completed.
        }
    }

    private DbCommand Command(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
