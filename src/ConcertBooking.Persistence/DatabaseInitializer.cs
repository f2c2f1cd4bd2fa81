using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ConcertBooking.Persistence;

/// <summary>A context whose tables are created at startup (see <see cref="DatabaseInitializer"/>).</summary>
public sealed record DatabaseSchema(Type ContextType);

/// <summary>Signals that the schema exists; readiness checks, seeding and background work wait on it.</summary>
public sealed class DatabaseReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    public Task WaitAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    internal void MarkReady() => _ready.TrySetResult();
}

/// <summary>
/// Creates the database and every registered context's missing tables and indexes before the host serves requests.
/// Each context's DDL is made idempotent (IF NOT EXISTS), so several contexts share one database and a table added
/// in a later version appears in an existing database, as does a nullable column added to an existing table. Other
/// changes to existing tables would need real migrations.
/// </summary>
internal sealed partial class DatabaseInitializer(
    IServiceScopeFactory scopes,
    IEnumerable<DatabaseSchema> schemas,
    DatabaseReadiness readiness,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        foreach (var schema in schemas.DistinctBy(s => s.ContextType))
        {
            var db = (DbContext)scope.ServiceProvider.GetRequiredService(schema.ContextType);
            var creator = db.GetService<IRelationalDatabaseCreator>();
            if (!await creator.ExistsAsync(cancellationToken))
            {
                await creator.CreateAsync(cancellationToken);
            }

            var script = IdempotentDdl().Replace(db.Database.GenerateCreateScript(), "CREATE $1 IF NOT EXISTS ");
            await db.Database.ExecuteSqlRawAsync(script, cancellationToken);
            await AddMissingColumnsAsync(db, cancellationToken);
            logger.LogInformation("Schema of {Context} ready ({Provider})", schema.ContextType.Name, db.Database.ProviderName);
        }

        readiness.MarkReady();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>CREATE TABLE IF NOT EXISTS leaves a table made by an earlier version as it was: its new nullable
    /// columns are added here (existing rows get NULL, which the model must read as "not known").</summary>
    private async Task AddMissingColumnsAsync(DbContext db, CancellationToken cancellationToken)
    {
        var sqlite = DbConventions.IsSqlite(db.Database);
        foreach (var table in db.Model.GetRelationalModel().Tables)
        {
            var existing = (await db.Database.SqlQueryRaw<string>(
                sqlite
                    ? "SELECT name AS \"Value\" FROM pragma_table_info({0})"
                    : "SELECT column_name AS \"Value\" FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = {0}",
                table.Name).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
            foreach (var column in table.Columns.Where(c => !existing.Contains(c.Name)))
            {
                if (!column.IsNullable)
                {
                    throw new InvalidOperationException(
                        $"Table {table.Name} lacks the non-nullable column {column.Name}; this database needs a migration.");
                }

                // Names and types come from this system's own model, not from input.
                var alter = $"ALTER TABLE \"{table.Name}\" ADD COLUMN \"{column.Name}\" {column.StoreType} NULL";
                await db.Database.ExecuteSqlRawAsync(alter, cancellationToken);
                logger.LogInformation("Added column {Table}.{Column}", table.Name, column.Name);
            }
        }
    }

    [GeneratedRegex(@"CREATE (TABLE|UNIQUE INDEX|INDEX) ")]
    private static partial Regex IdempotentDdl();
}
