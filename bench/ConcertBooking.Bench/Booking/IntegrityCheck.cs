using System.Data.Common;
using System.Globalization;

namespace ConcertBooking.Bench.Booking;

/// <summary>
/// What the database says after a phase. <see cref="Oversold"/> counts seats with more than one active (Held or
/// Confirmed) reservation plus the mismatch between holds the clients were told succeeded and active reservations
/// the database has: both must be zero.
/// </summary>
public sealed record IntegrityReport(long SeatsWithSeveralActive, long ActiveReservations, long SeatsTaken, long ReportedHolds)
{
    public long Mismatch => Math.Abs(ReportedHolds - ActiveReservations);

    public long Oversold => SeatsWithSeveralActive + Mismatch;

    /// <summary>Seat rows marked Held or Sold agree with the active reservations.</summary>
    public bool SeatsAgree => SeatsTaken == ActiveReservations;
}

public static class IntegrityCheck
{
    public static async Task<IntegrityReport> RunAsync(
        BenchDatabase database, long concertId, long reportedHolds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var several = await CountAsync(connection, """
            SELECT COUNT(*) FROM (
                SELECT "SeatId" FROM "Reservations"
                WHERE "ConcertId" = @concertId AND "Status" IN ('Held', 'Confirmed')
                GROUP BY "SeatId" HAVING COUNT(*) > 1) AS doubled
            """, concertId, cancellationToken);
        var active = await CountAsync(connection, """
            SELECT COUNT(*) FROM "Reservations" WHERE "ConcertId" = @concertId AND "Status" IN ('Held', 'Confirmed')
            """, concertId, cancellationToken);
        var taken = await CountAsync(connection, """
            SELECT COUNT(*) FROM "Seats" WHERE "ConcertId" = @concertId AND "Status" IN ('Held', 'Sold')
            """, concertId, cancellationToken);
        return new IntegrityReport(several, active, taken, reportedHolds);
    }

    /// <summary>Seat ids of a concert, read straight from the database.</summary>
    public static async Task<long[]> SeatIdsAsync(BenchDatabase database, long concertId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """SELECT "Id" FROM "Seats" WHERE "ConcertId" = @concertId ORDER BY "Id" """;
        AddConcertId(command, concertId);
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }

        return [.. ids];
    }

    private static async Task<long> CountAsync(DbConnection connection, string sql, long concertId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        AddConcertId(command, concertId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static void AddConcertId(DbCommand command, long concertId)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "concertId";
        parameter.Value = concertId;
        command.Parameters.Add(parameter);
    }
}
