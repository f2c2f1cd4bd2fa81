using ConcertBooking.Infrastructure.Outbox;
using ConcertBooking.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Infrastructure;

public static class PersistenceExtensions
{
    /// <summary>Registers the booking database: SQLite under the data directory by default, PostgreSQL with
    /// <c>Database:Provider=Postgres</c> and <c>ConnectionStrings:Booking</c>.</summary>
    public static IHostApplicationBuilder AddBookingPersistence(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>()
            .Bind(builder.Configuration.GetSection(DatabaseOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(
                o => o.Provider != DatabaseProvider.Postgres || !string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("Booking")),
                "Database:Provider=Postgres needs ConnectionStrings:Booking.")
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SqlitePragmas>();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<OutboxCommitInterceptor>();
        builder.Services.AddDbContextPool<BookingDbContext>((services, db) =>
        {
            UseBookingDatabase(services, db);
            db.AddInterceptors(services.GetRequiredService<OutboxCommitInterceptor>());
        });
        builder.Services.AddDatabaseSchema<BookingDbContext>();

        builder.Services.AddHostedService<DatabaseInitializer>();
        builder.Services.AddHostedService<SqliteCheckpointer>();
        builder.Services.AddSingleton<DatabaseReadiness>();
        return builder;
    }

    /// <summary>Points a context at the booking database. The downstream services keep their own tables there,
    /// so their writes and their processed-event records share one transaction. Id lists (a relay batch, a
    /// consumer batch: thousands of ids) go as one array parameter: EF's default of one parameter per element
    /// cost the relay ~150 ms of SQL generation per 2,000-row batch.</summary>
    public static void UseBookingDatabase(IServiceProvider services, DbContextOptionsBuilder db)
    {
        var options = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (options.Provider == DatabaseProvider.Postgres)
        {
            db.UseNpgsql(services.GetRequiredService<IConfiguration>().GetConnectionString("Booking"),
                npgsql => npgsql.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter))
                .AddInterceptors(MicrosecondTimestamps.Instance);
        }
        else
        {
            var path = Path.Combine(ResolveDataDirectory(options, services.GetRequiredService<IHostEnvironment>()), "concertbooking.db");
            db.UseSqlite($"Data Source={path}", sqlite => sqlite.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter))
                .AddInterceptors(services.GetRequiredService<SqlitePragmas>());
        }
    }

    /// <summary>Has <see cref="DatabaseInitializer"/> create this context's tables at startup.</summary>
    public static IServiceCollection AddDatabaseSchema<TContext>(this IServiceCollection services)
        where TContext : DbContext
    {
        services.AddSingleton(new DatabaseSchema(typeof(TContext)));
        return services;
    }

    public static string ResolveDataDirectory(DatabaseOptions options, IHostEnvironment environment)
    {
        var directory = Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.DataDirectory));
        Directory.CreateDirectory(directory);
        return directory;
    }
}
