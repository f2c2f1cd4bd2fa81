using System.Data.Common;
using System.Globalization;
using ConcertBooking.Bench.Booking;

namespace ConcertBooking.Bench.Drop;

/// <summary>What the database says after a drop: limits kept, the order of the queue, the speed of the sale.</summary>
public sealed record DropFacts(
    long FansOverLimit,
    long PreQueueFans,
    double PreQueueRankCorrelation,
    long LateFans,
    long LateOutOfJoinOrder,
    long AdmittedOutOfNumberOrder,
    long Admitted,
    double AdmissionsPerSecond,
    TimeSpan? OpeningToSoldOut,
    long Confirmed);

public static class DropChecks
{
    public static async Task<DropFacts> RunAsync(BenchDatabase database, long concertId, int limit, DateTimeOffset opensAt, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var overLimit = await ScalarAsync(connection, """
            SELECT COUNT(*) FROM (SELECT "UserId" FROM "Reservations" WHERE "ConcertId" = @c AND "Status" IN ('Held', 'Confirmed')
                                  GROUP BY "UserId" HAVING COUNT(*) > @limit) AS over
            """, concertId, ct, ("limit", limit));
        var confirmed = await ScalarAsync(connection, """
            SELECT COUNT(*) FROM "Reservations" WHERE "ConcertId" = @c AND "Status" = 'Confirmed'
            """, concertId, ct);

        // Entries in join order, with their drawn or given number and admission time.
        var entries = new List<(DateTimeOffset JoinedAt, long? Number, DateTimeOffset? AdmittedAt)>();
        await using (var command = Command(connection, """
            SELECT "JoinedAt", "Number", "AdmittedAt" FROM "QueueEntries" WHERE "ConcertId" = @c ORDER BY "JoinedAt", "Id"
            """, concertId))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                entries.Add((Time(reader, 0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.IsDBNull(2) ? null : Time(reader, 2)));
            }
        }

        var pre = entries.Where(e => e.JoinedAt < opensAt && e.Number is not null).ToList();
        var late = entries.Where(e => e.JoinedAt >= opensAt && e.Number is not null).ToList();
        var lateOutOfOrder = late.Zip(late.Skip(1)).Count(p => p.Second.Number < p.First.Number);
        var admitted = entries.Where(e => e.AdmittedAt is not null).OrderBy(e => e.Number).ToList();
        var admittedOutOfOrder = admitted.Zip(admitted.Skip(1)).Count(p => p.Second.AdmittedAt < p.First.AdmittedAt);
        var lastAdmission = admitted.Count == 0 ? opensAt : admitted.Max(e => e.AdmittedAt!.Value);
        var admissionSpan = (lastAdmission - opensAt).TotalSeconds;

        var soldOut = await ScalarTimeAsync(connection, """SELECT "SoldOutAt" FROM "Concerts" WHERE "Id" = @c""", concertId, ct);
        return new DropFacts(
            overLimit, pre.Count, RankCorrelation(pre.Select(e => e.Number!.Value).ToList()), late.Count, lateOutOfOrder, admittedOutOfOrder,
            admitted.Count, admissionSpan > 0 ? admitted.Count / admissionSpan : 0, soldOut - opensAt, confirmed);
    }

    /// <summary>Spearman's rank correlation between join order (the list's order) and number: 0 for a fair draw.</summary>
    private static double RankCorrelation(List<long> numbers)
    {
        if (numbers.Count < 2)
        {
            return 0;
        }

        var ranks = numbers.Select((n, i) => (n, i)).OrderBy(p => p.n).Select((p, rank) => (p.i, rank)).OrderBy(p => p.i).Select(p => (double)p.rank).ToList();
        double n = ranks.Count;
        var squared = ranks.Select((r, i) => Math.Pow(r - i, 2)).Sum();
        return 1 - (6 * squared / (n * ((n * n) - 1)));
    }

    private static DateTimeOffset Time(DbDataReader reader, int ordinal) =>
        reader.GetFieldType(ordinal) == typeof(long)
            ? new DateTimeOffset(reader.GetInt64(ordinal), TimeSpan.Zero)
            : reader.GetFieldValue<DateTimeOffset>(ordinal);

    private static async Task<long> ScalarAsync(DbConnection connection, string sql, long concertId, CancellationToken ct, params (string Name, object Value)[] extra)
    {
        await using var command = Command(connection, sql, concertId, extra);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    private static async Task<DateTimeOffset?> ScalarTimeAsync(DbConnection connection, string sql, long concertId, CancellationToken ct)
    {
        await using var command = Command(connection, sql, concertId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) && !reader.IsDBNull(0) ? Time(reader, 0) : null;
    }

    private static DbCommand Command(DbConnection connection, string sql, long concertId, params (string Name, object Value)[] extra)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in extra.Prepend(("c", concertId)))
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
