using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace ConcertBooking.Persistence;

/// <summary>Conventions every context on the booking database shares (the booking core's and each service's).</summary>
public static class DbConventions
{
    public const string SqliteProvider = "Microsoft.EntityFrameworkCore.Sqlite";

    public static bool IsSqlite(this DatabaseFacade database) => database.ProviderName == SqliteProvider;

    /// <summary>A timestamp as these conventions store it, for raw SQL: UTC ticks on SQLite, as is elsewhere.</summary>
    public static object ToStored(this DatabaseFacade database, DateTimeOffset value) =>
        database.IsSqlite() ? value.UtcTicks : value;

    public static void Apply(ModelConfigurationBuilder configurationBuilder, DatabaseFacade database)
    {
        if (database.IsSqlite())
        {
            // SQLite has no date type; UTC ticks keep comparisons and ORDER BY in SQL correct.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        }

        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(20);
    }
}
