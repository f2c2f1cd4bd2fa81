using ConcertBooking.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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

        builder.Services.AddSingleton<SqlitePragmas>();
        builder.Services.AddDbContextPool<BookingDbContext>((services, db) =>
        {
            var options = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            var configuration = services.GetRequiredService<IConfiguration>();
            var environment = services.GetRequiredService<IHostEnvironment>();
            if (options.Provider == DatabaseProvider.Postgres)
            {
                db.UseNpgsql(configuration.GetConnectionString("Booking"));
            }
            else
            {
                var path = Path.Combine(ResolveDataDirectory(options, environment), "concertbooking.db");
                db.UseSqlite($"Data Source={path}").AddInterceptors(services.GetRequiredService<SqlitePragmas>());
            }
        });

        builder.Services.AddHostedService<DatabaseInitializer>();
        builder.Services.AddSingleton<DatabaseReadiness>();
        return builder;
    }

    public static string ResolveDataDirectory(DatabaseOptions options, IHostEnvironment environment)
    {
        var directory = Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.DataDirectory));
        Directory.CreateDirectory(directory);
        return directory;
    }
}
