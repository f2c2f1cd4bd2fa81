using ConcertBooking.Persistence;
using ConcertBooking.Persistence.Migrations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Console;

namespace ConcertBooking.Api.Startup;

/// <summary>
/// <c>migrate</c> applies every context's pending migrations (adopting a database made before migrations) and ends;
/// <c>migrate --script</c> prints their SQL for a DBA instead and touches no database. Either runs with the same
/// settings as the application (provider, connection strings, roles), and logs to standard error so the script is
/// all that standard output carries.
/// </summary>
internal sealed class MigrateCommand(bool script)
{
    public const string Name = "migrate";

    private const string ScriptOption = "--script";

    /// <summary>The command when <paramref name="args"/> start with it; <paramref name="settings"/> is the rest.</summary>
    public static MigrateCommand? Parse(string[] args, out string[] settings)
    {
        if (args is not [Name, .. var rest])
        {
            settings = args;
            return null;
        }

        settings = [.. rest.Where(a => a != ScriptOption)];
        return new MigrateCommand(rest.Contains(ScriptOption));
    }

    public static void LogToStandardError(WebApplicationBuilder builder) =>
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);

    /// <summary>Before a start that does not migrate (<c>Database:MigrateOnStartup=false</c>): ends it, in one line,
    /// while any context's database lacks a migration, before anything else starts.</summary>
    public static async Task EnsureAppliedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        foreach (var schema in Migrated(services))
        {
            await DatabaseMigrator.EnsureAppliedAsync((DbContext)scope.ServiceProvider.GetRequiredService(schema.ContextType), cancellationToken);
        }
    }

    public async Task<int> RunAsync(IServiceProvider services, TextWriter output, CancellationToken cancellationToken)
    {
        var migrator = services.GetRequiredService<DatabaseMigrator>();
        await using var scope = services.CreateAsyncScope();
        foreach (var schema in Migrated(services))
        {
            var db = (DbContext)scope.ServiceProvider.GetRequiredService(schema.ContextType);
            var name = schema.ContextType.Name;
            if (script)
            {
                await output.WriteLineAsync($"-- {name} ({db.Database.ProviderName}): {string.Join(", ", db.Database.GetMigrations())}");
                await output.WriteLineAsync(DatabaseMigrator.Script(db));
                continue;
            }

            var applied = await migrator.MigrateAsync(db, cancellationToken);
            await output.WriteLineAsync(applied.Count == 0 ? $"{name}: up to date" : $"{name}: applied {string.Join(", ", applied)}");
        }

        return 0;
    }

    private static IEnumerable<DatabaseSchema> Migrated(IServiceProvider services) =>
        services.GetServices<DatabaseSchema>().Where(s => s.Migrated).DistinctBy(s => s.ContextType);
}
