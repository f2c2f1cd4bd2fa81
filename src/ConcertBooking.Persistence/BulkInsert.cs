using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ConcertBooking.Persistence;

/// <summary>
/// Inserts many rows of one entity with multi-row <c>INSERT</c> statements. Consumer groups write a row or two per
/// event, a thousand events per batch; through SaveChanges each row costs a tracked entry and a command of its own,
/// which measured 60–85 µs a row on SQLite, most of a group's time. Columns, conversions and parameter types come
/// from the EF model, so the rows read back exactly as if EF had written them. The rows are not tracked, and
/// values the database generates (identity keys) are not read back.
/// </summary>
public static class BulkInsert
{
    /// <summary>Stays well under SQLite's and PostgreSQL's limits on parameters per statement.</summary>
    private const int MaxParametersPerStatement = 4_000;

    private static string ParameterName(int row, int column) => $"@p{row}_{column}";

    public static async Task BulkInsertAsync<T>(this DbContext db, IReadOnlyCollection<T> rows, CancellationToken cancellationToken)
        where T : class
    {
        if (rows.Count == 0)
        {
            return;
        }

        var entityType = db.Model.FindEntityType(typeof(T))
            ?? throw new InvalidOperationException($"{typeof(T).Name} is not an entity of {db.GetType().Name}.");
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var columns = entityType.GetProperties()
            .Where(p => p.ValueGenerated == ValueGenerated.Never || !p.IsKey())
            .Select(p => (Property: p, Name: p.GetColumnName(table)!, Mapping: (RelationalTypeMapping)p.GetRelationalTypeMapping(), Getter: p.GetGetter()))
            .ToList();
        var sqlGenerator = db.GetService<ISqlGenerationHelper>();
        var prefix = $"INSERT INTO {sqlGenerator.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns.Select(c => sqlGenerator.DelimitIdentifier(c.Name)))}) VALUES ";

        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        try
        {
            // SQLite is in process, so a statement per row costs no round trip; and Microsoft.Data.Sqlite binds
            // parameters by name with a linear search, which makes a statement of thousands of them slow. One
            // prepared single-row statement, run once per row, is its fastest path. Elsewhere a round trip per
            // statement is what counts: many rows per statement.
            var rowsPerStatement = db.Database.IsSqlite() ? 1 : Math.Max(1, MaxParametersPerStatement / columns.Count);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var statementRows = 0;
            foreach (var chunk in rows.Chunk(rowsPerStatement))
            {
                // Every chunk but the last has the same size, so the statement is built once or twice, and on
                // SQLite stays prepared across rows.
                if (chunk.Length != statementRows)
                {
                    statementRows = chunk.Length;
                    command.CommandText = prefix + string.Join(", ", Enumerable.Range(0, chunk.Length).Select(r =>
                        "(" + string.Join(", ", columns.Select((_, c) => ParameterName(r, c))) + ")"));
                }

                command.Parameters.Clear();
                for (var r = 0; r < chunk.Length; r++)
                {
                    for (var c = 0; c < columns.Count; c++)
                    {
                        var (property, _, mapping, getter) = columns[c];
                        command.Parameters.Add(mapping.CreateParameter(command, ParameterName(r, c), getter.GetClrValueUsingContainingEntity(chunk[r]), property.IsNullable));
                    }
                }

                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }
}
