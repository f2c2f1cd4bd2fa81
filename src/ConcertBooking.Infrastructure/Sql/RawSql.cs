using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ConcertBooking.Infrastructure.Sql;

/// <summary>
/// Hand-written SQL on a context's own connection and transaction, for hot paths where EF Core's query pipeline and
/// change tracking cost more than they give. Values are stored as the model stores them: UTC ticks and upper-case
/// text GUIDs on SQLite, timestamptz and uuid on PostgreSQL, enums as their names on both.
/// </summary>
public static class RawSql
{
    /// <summary>A command in <paramref name="db"/>'s current transaction (the connection must be open).</summary>
    public static DbCommand Command(this DbContext db, string sql)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        return command;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbConnection, Dictionary<string, DbCommand>> KeptCommands = [];

    /// <summary>
    /// Like <see cref="Command"/>, but the same command object for the same SQL for as long as the connection stays
    /// open, so SQLite parses the statement once per open connection instead of on every use (the group-commit writer
    /// keeps its connection open). The commands are disposed when the connection closes: SQLite's statements belong to
    /// the native connection, which the pool may hand to someone else. Set its parameters with <see cref="With"/> as
    /// usual; do not dispose it, and finish with its reader before using it again.
    /// </summary>
    public static DbCommand Kept(this DbContext db, string sql)
    {
        var connection = db.Database.GetDbConnection();
        var commands = KeptCommands.GetValue(connection, ForgetOnClose);
        if (!commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            commands[sql] = command;
        }

        command.Parameters.Clear();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        return command;
    }

    private static Dictionary<string, DbCommand> ForgetOnClose(DbConnection connection)
    {
        var commands = new Dictionary<string, DbCommand>(StringComparer.Ordinal);
        connection.StateChange += (_, change) =>
        {
            if (change.CurrentState != System.Data.ConnectionState.Open)
            {
                foreach (var command in commands.Values)
                {
                    command.Dispose();
                }

                commands.Clear();
            }
        };
        return commands;
    }

    public static DbCommand With(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value switch
        {
            null => DBNull.Value,
            DateTimeOffset time => command is SqliteCommand ? time.UtcTicks : time.ToUniversalTime(),
            Guid guid when command is SqliteCommand => guid.ToString().ToUpperInvariant(),
            Enum text => text.ToString(),
            _ => value,
        };
        command.Parameters.Add(parameter);
        return command;
    }

    /// <summary>Reads a stored timestamp back, whichever way the provider keeps it.</summary>
    public static DateTimeOffset GetTimestamp(this DbDataReader reader, int ordinal) =>
        reader.GetFieldType(ordinal) == typeof(long)
            ? new DateTimeOffset(reader.GetInt64(ordinal), TimeSpan.Zero)
            : reader.GetFieldValue<DateTimeOffset>(ordinal);

    /// <summary>PostgreSQL keeps microseconds; a time taken for a row is rounded down so that what a response
    /// reports and what is read back later are the same instant on every provider.</summary>
    public static DateTimeOffset ToMicroseconds(DateTimeOffset value) =>
        value.AddTicks(-(value.Ticks % TimeSpan.TicksPerMicrosecond));
}
