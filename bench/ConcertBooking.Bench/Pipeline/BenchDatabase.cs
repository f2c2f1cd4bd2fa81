using Microsoft.Data.Sqlite;

namespace ConcertBooking.Bench.Pipeline;

/// <summary>Read-only SQL on the bench's SQLite file (DateTimeOffset columns are stored as UTC ticks).</summary>
internal sealed class BenchDatabase(string dataDirectory)
{
    private readonly string _connectionString = $"Data Source={Path.Combine(dataDirectory, "concertbooking.db")};Mode=ReadOnly";

    public Task<long> ScalarAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters) =>
        RunAsync(sql, parameters, async command =>
            await command.ExecuteScalarAsync(cancellationToken) is { } result and not DBNull
                ? Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture)
                : 0, cancellationToken);

    public Task<List<long>> ColumnAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters) =>
        RunAsync(sql, parameters, async command =>
        {
            var values = new List<long>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                values.Add(reader.GetInt64(0));
            }

            return values;
        }, cancellationToken);

    private async Task<T> RunAsync<T>(
        string sql, (string Name, object Value)[] parameters, Func<SqliteCommand, Task<T>> run, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await run(command);
    }

    public Task<long> PendingAsync(CancellationToken ct) =>
        ScalarAsync("""SELECT COUNT(*) FROM "OutboxMessages" WHERE "SentAt" IS NULL""", ct);

    public Task<long> OutboxCountAsync(CancellationToken ct) =>
        ScalarAsync("""SELECT COUNT(*) FROM "OutboxMessages" """, ct);

    public Task<long> ProcessedAsync(string group, CancellationToken ct) =>
        ScalarAsync("""SELECT COUNT(*) FROM "ProcessedEvents" WHERE "GroupId" = $g""", ct, ("$g", group));

    /// <summary>Events/s of a group from its processed-events rows at or after <paramref name="fromTicks"/>:
    /// the events after the first batch over the time from the first batch's ProcessedAt to the last's.</summary>
    public async Task<(double PerSecond, long Count, TimeSpan Span)> GroupRateAsync(string group, long fromTicks, CancellationToken ct)
    {
        var min = await ScalarAsync("""SELECT MIN("ProcessedAt") FROM "ProcessedEvents" WHERE "GroupId" = $g AND "ProcessedAt" >= $f""", ct, ("$g", group), ("$f", fromTicks));
        var max = await ScalarAsync("""SELECT MAX("ProcessedAt") FROM "ProcessedEvents" WHERE "GroupId" = $g AND "ProcessedAt" >= $f""", ct, ("$g", group), ("$f", fromTicks));
        var count = await ScalarAsync("""SELECT COUNT(*) FROM "ProcessedEvents" WHERE "GroupId" = $g AND "ProcessedAt" >= $f""", ct, ("$g", group), ("$f", fromTicks));
        var atMin = await ScalarAsync("""SELECT COUNT(*) FROM "ProcessedEvents" WHERE "GroupId" = $g AND "ProcessedAt" = $m""", ct, ("$g", group), ("$m", min));
        var span = TimeSpan.FromTicks(max - min);
        return (span > TimeSpan.Zero ? (count - atMin) / span.TotalSeconds : double.NaN, count, span);
    }
}
