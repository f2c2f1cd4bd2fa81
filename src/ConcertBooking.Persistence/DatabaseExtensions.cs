using ConcertBooking.Persistence.Migrations;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Persistence;

public static class DatabaseExtensions
{
    /// <summary>The connection every service falls back to when it has none of its own.</summary>
    public const string DefaultConnection = "Booking";

    /// <summary>What every database of this process shares: the provider, the data directory, schema creation at
    /// startup, the SQLite connection settings and checkpoints.</summary>
    public static IHostApplicationBuilder AddDatabases(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DatabaseOptions>()
            .Bind(builder.Configuration.GetSection(DatabaseOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(
                o => o.Provider != DatabaseProvider.Postgres || !string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(DefaultConnection)),
                $"Database:Provider=Postgres needs ConnectionStrings:{DefaultConnection}.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SqlitePragmas>();
        services.TryAddSingleton<GroupCommit>();
        services.TryAddSingleton<DatabaseReadiness>();
        services.TryAddSingleton<DatabaseMigrator>();
        if (!services.Any(s => s.ImplementationType == typeof(DatabaseInitializer)))
        {
            services.AddHostedService<DatabaseInitializer>();
            services.AddHostedService<SqliteCheckpointer>();
        }

        return builder;
    }

    /// <summary>A context on the database named <paramref name="connectionName"/> (<c>ConnectionStrings:&lt;name&gt;</c>,
    /// falling back to the booking database), whose schema its migrations make at startup. <paramref name="migrated"/>
    /// false: a context without migrations (a test's own), whose missing tables are created instead.</summary>
    public static IServiceCollection AddServiceDatabase<TContext>(
        this IServiceCollection services, string connectionName, Action<IServiceProvider, DbContextOptionsBuilder>? configure = null, bool migrated = true)
        where TContext : DbContext
    {
        services.AddDbContextPool<TContext>((sp, db) =>
        {
            sp.UseDatabase(db, connectionName, migrated ? typeof(TContext) : null);
            configure?.Invoke(sp, db);
        });
        services.AddSingleton(new DatabaseSchema(typeof(TContext), migrated));
        services.TryAddSingleton<GroupCommit>();
        services.TryAddScoped<WriteTransactions<TContext>>();
        return services;
    }

    /// <summary>
    /// Points a context at a database. On PostgreSQL, <c>ConnectionStrings:&lt;name&gt;</c> or else the booking
    /// database's. On SQLite, <c>concertbooking.db</c> in the data directory, or the SQLite connection string
    /// <c>ConnectionStrings:&lt;name&gt;</c> whose relative file name is taken inside the data directory. Id lists (a
    /// relay batch, a consumer batch: thousands of ids) go as one array parameter: EF's default of one parameter per
    /// element cost the relay ~150 ms of SQL generation per 2,000-row batch. <paramref name="migrations"/>: the
    /// context whose migrations (<see cref="SchemaMigrations"/>) make this database's schema.
    /// </summary>
    public static void UseDatabase(this IServiceProvider services, DbContextOptionsBuilder db, string connectionName, Type? migrations = null)
    {
        // A lost race (a seat or a queue place taken a moment earlier, a unique index doing its job) is a failed
        // command the caller turns into a 409: EF must not log each one as an error. Failures nobody expects still
        // surface where they are handled (a 500 from the exception handler, a background loop's own log).
        db.ConfigureWarnings(w => w.Log((RelationalEventId.CommandError, LogLevel.Debug), (CoreEventId.SaveChangesFailed, LogLevel.Debug)));
        var options = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        var configuration = services.GetRequiredService<IConfiguration>();
        var own = configuration.GetConnectionString(connectionName);
        if (options.Provider == DatabaseProvider.Postgres)
        {
            var connectionString = string.IsNullOrWhiteSpace(own) ? configuration.GetConnectionString(DefaultConnection) : own;
            db.UseNpgsql(connectionString, npgsql =>
                {
                    npgsql.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter);
                    if (migrations is not null)
                    {
                        npgsql.MigrationsAssembly(SchemaMigrations.AssemblyOf(options.Provider)).MigrationsHistoryTable(SchemaMigrations.HistoryTableOf(migrations));
                    }
                })
                .AddInterceptors(MicrosecondTimestamps.Instance);
            if (migrations is not null)
            {
                db.UseIdempotentMigrations(options.Provider);
            }

            return;
        }

        var dataDirectory = ResolveDataDirectory(options, services.GetRequiredService<IHostEnvironment>());
        var sqlite = new SqliteConnectionStringBuilder(
            connectionName == DefaultConnection || string.IsNullOrWhiteSpace(own) ? $"Data Source={DefaultSqliteFile}" : own);
        sqlite.DataSource = PrivateDataFiles.EnsureSqliteFile(Path.Combine(dataDirectory, sqlite.DataSource));
        db.UseSqlite(sqlite.ConnectionString, o =>
            {
                o.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter);
                if (migrations is not null)
                {
                    o.MigrationsAssembly(SchemaMigrations.AssemblyOf(options.Provider)).MigrationsHistoryTable(SchemaMigrations.HistoryTableOf(migrations));
                }
            })
            .AddInterceptors(services.GetRequiredService<SqlitePragmas>());
        if (migrations is not null)
        {
            db.UseIdempotentMigrations(options.Provider);
        }
    }

    /// <summary>The booking database's file on SQLite, inside the data directory.</summary>
    public const string DefaultSqliteFile = "concertbooking.db";

    /// <summary>The data directory (SQLite files and other runtime data), created if missing.</summary>
    public static string ResolveDataDirectory(DatabaseOptions options, IHostEnvironment environment)
    {
        var directory = Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.DataDirectory));
        return PrivateDataFiles.EnsureDirectory(directory);
    }
}
