using System.Text.RegularExpressions;
using ConcertBooking.Persistence.Migrations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Persistence;

/// <summary>A context of this process. <paramref name="Migrated"/>: its schema comes from its migrations (every
/// context of the product); otherwise its tables are created if missing (a test's own context).</summary>
public sealed record DatabaseSchema(Type ContextType, bool Migrated = true);

/// <summary>Signals that the schema exists; readiness checks, seeding and background work wait on it.</summary>
public sealed class DatabaseReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    public Task WaitAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    internal void MarkReady() => _ready.TrySetResult();
}

/// <summary>
/// Brings every registered context's schema up to date before the host serves requests: applies pending migrations
/// (<c>Database:MigrateOnStartup</c>, the default), or refuses to start while any are pending when migrations are
/// applied separately (<c>migrate</c>, or its script run by a DBA).
/// </summary>
internal sealed partial class DatabaseInitializer(
    IServiceScopeFactory scopes,
    IEnumerable<DatabaseSchema> schemas,
    DatabaseReadiness readiness,
    DatabaseMigrator migrator,
    IOptions<DatabaseOptions> options,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        foreach (var schema in schemas.DistinctBy(s => s.ContextType))
        {
            var db = (DbContext)scope.ServiceProvider.GetRequiredService(schema.ContextType);
            if (!schema.Migrated)
            {
                await CreateTablesAsync(db, cancellationToken);
            }
            else if (options.Value.MigrateOnStartup)
            {
                await migrator.MigrateAsync(db, cancellationToken);
            }
            else
            {
                await DatabaseMigrator.EnsureAppliedAsync(db, cancellationToken);
            }

            LogReady(schema.ContextType.Name, db.Database.ProviderName);
        }

        readiness.MarkReady();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A context without migrations (a test's own) gets its missing tables and indexes.</summary>
    private static async Task CreateTablesAsync(DbContext db, CancellationToken cancellationToken)
    {
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(cancellationToken))
        {
            await creator.CreateAsync(cancellationToken);
        }

        var script = IdempotentCreate().Replace(db.Database.GenerateCreateScript(), "CREATE $1 IF NOT EXISTS ");
        await db.Database.ExecuteSqlRawAsync(script, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Schema of {Context} ready ({Provider})")]
    private partial void LogReady(string context, string? provider);

    [GeneratedRegex(@"CREATE (TABLE|UNIQUE INDEX|INDEX) ")]
    private static partial Regex IdempotentCreate();
}
