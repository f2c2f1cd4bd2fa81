using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ConcertBooking.Persistence;

/// <summary>
/// Copies SQLite's write-ahead log into each database file once a second, beside the writers rather than inside one
/// of their commits (automatic checkpoints are off, see <see cref="SqlitePragmas"/>). PASSIVE never waits for or
/// blocks a writer; whatever it cannot copy yet is copied next time. The group-commit writer then copies the few
/// frames it committed meanwhile, so that SQLite can start the WAL over (<see cref="GroupCommit.CheckpointRan"/>).
/// Does nothing on PostgreSQL.
/// </summary>
internal sealed class SqliteCheckpointer(
    IServiceScopeFactory scopes,
    IEnumerable<DatabaseSchema> schemas,
    DatabaseReadiness database,
    TimeProvider clock,
    ILogger<SqliteCheckpointer> logger,
    GroupCommit groupCommit)
    : PeriodicDatabaseWork(database, clock, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromSeconds(1);

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var files = new HashSet<string>(StringComparer.Ordinal);
        foreach (var schema in schemas)
        {
            var db = (DbContext)scope.ServiceProvider.GetRequiredService(schema.ContextType);
            if (db.Database.IsSqlite() && files.Add(db.Database.GetConnectionString() ?? ""))
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(PASSIVE)", cancellationToken);
                groupCommit.CheckpointRan(db.Database.GetConnectionString() ?? "");
            }
        }
    }
}
