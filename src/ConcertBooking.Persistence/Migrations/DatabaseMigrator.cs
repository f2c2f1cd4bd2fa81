using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace ConcertBooking.Persistence.Migrations;

/// <summary>A context's schema that cannot be brought up to date here; said in one line, for the operator.</summary>
public sealed class DatabaseSchemaException(string message) : Exception(message);

/// <summary>
/// Applies a context's migrations, adopting a database made before there were migrations: its tables stay with their
/// rows, the nullable columns a later release added to them are added, and the first migration then creates only
/// what is missing (<see cref="IdempotentDdl"/>) and records itself.
/// </summary>
public sealed partial class DatabaseMigrator(ILogger<DatabaseMigrator> logger)
{
    /// <summary>Any key, the same in every process: PostgreSQL advisory locks are per database.</summary>
    private const long MigrationLock = 0x436f6e6365727442; // "ConcertB"

    public async Task<IReadOnlyList<string>> MigrateAsync(DbContext db, CancellationToken cancellationToken)
    {
        // Processes starting at once on one database (API replicas, the relay, ...) take turns. EF's own migration
        // lock covers applying migrations but not creating the history table or adopting, which would race, and
        // what a process reports as applied must be what it applied.
        await using var turn = await TakeTurnAsync(db, cancellationToken);
        await AdoptAsync(db, cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await db.Database.MigrateAsync(cancellationToken);
        foreach (var migration in pending)
        {
            LogApplied(db.GetType().Name, migration);
        }

        return pending;
    }

    /// <summary>On PostgreSQL an advisory lock on the context's connection (once the database exists); on SQLite an
    /// exclusive lock on a file beside the database, which every process on the host that opens it sees.</summary>
    private static async Task<IAsyncDisposable?> TakeTurnAsync(DbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.IsSqlite())
        {
            var path = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource + ".migrations-lock";
            while (true)
            {
                try
                {
                    // Private like the database beside it (PrivateDataFiles), whatever the umask.
                    var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
                    if (!OperatingSystem.IsWindows())
                    {
                        options.UnixCreateMode = PrivateDataFiles.FileMode;
                    }

                    return new FileStream(path, options);
                }
                catch (IOException)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
                }
            }
        }

        if (!await db.GetService<IRelationalDatabaseCreator>().ExistsAsync(cancellationToken))
        {
            return null;
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({MigrationLock})", cancellationToken);
        return new AdvisoryLock(db);
    }

    private sealed class AdvisoryLock(DbContext db) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({MigrationLock})");
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>For a process that does not migrate at startup (<c>Database:MigrateOnStartup=false</c>): refuses a
    /// database that lacks any of the context's migrations.</summary>
    public static async Task EnsureAppliedAsync(DbContext db, CancellationToken cancellationToken)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            throw new DatabaseSchemaException(
                $"The database of {db.GetType().Name} lacks {pending.Count} migration(s) ({string.Join(", ", pending)}) and Database:MigrateOnStartup is false: "
                + "apply them with the migrate command (dotnet ConcertBooking.Api.dll migrate) or the SQL of migrate --script first.");
        }
    }

    /// <summary>The SQL of every migration, for a DBA to review or run. On PostgreSQL it is idempotent (each migration
    /// runs only if the history table lacks it); SQLite cannot express that, so its script starts from an empty database.</summary>
    public static string Script(DbContext db) =>
        db.GetService<IMigrator>().GenerateScript(
            options: db.Database.IsSqlite() ? MigrationsSqlGenerationOptions.Default : MigrationsSqlGenerationOptions.Idempotent);

    private async Task AdoptAsync(DbContext db, CancellationToken cancellationToken)
    {
        var assembly = db.GetService<IMigrationsAssembly>();
        if (assembly.Migrations.Count == 0
            || !await db.GetService<IRelationalDatabaseCreator>().ExistsAsync(cancellationToken)
            || await db.GetService<IHistoryRepository>().ExistsAsync(cancellationToken))
        {
            return;
        }

        var first = assembly.CreateMigration(assembly.Migrations.MinBy(m => m.Key, StringComparer.Ordinal).Value, db.Database.ProviderName!);
        foreach (var table in first.UpOperations.OfType<CreateTableOperation>())
        {
            var existing = await ColumnsAsync(db, table.Name, cancellationToken);
            if (existing.Count == 0)
            {
                continue;
            }

            foreach (var column in table.Columns.Where(c => !existing.Contains(c.Name)))
            {
                if (!column.IsNullable)
                {
                    throw new DatabaseSchemaException(
                        $"Table {table.Name} lacks the non-nullable column {column.Name}; this database was not made by a release of ConcertBooking and cannot be adopted.");
                }

                // Names and types come from this system's own migration, not from input.
                var alter = $"ALTER TABLE \"{table.Name}\" ADD COLUMN \"{column.Name}\" {column.ColumnType} NULL";
                await db.Database.ExecuteSqlRawAsync(alter, cancellationToken);
                LogAddedColumn(table.Name, column.Name);
            }
        }
    }

    private static async Task<HashSet<string>> ColumnsAsync(DbContext db, string table, CancellationToken cancellationToken) =>
        (await db.Database.SqlQueryRaw<string>(
            db.Database.IsSqlite()
                ? "SELECT name AS \"Value\" FROM pragma_table_info({0})"
                : "SELECT column_name AS \"Value\" FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = {0}",
            table).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Context}: applied migration {Migration}")]
    private partial void LogApplied(string context, string migration);

    [LoggerMessage(Level = LogLevel.Information, Message = "Added column {Table}.{Column}")]
    private partial void LogAddedColumn(string table, string column);
}
