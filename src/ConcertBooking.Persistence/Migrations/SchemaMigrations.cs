using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ConcertBooking.Persistence.Migrations;

/// <summary>
/// Where each context's migrations live and are recorded. The model differs by provider (SQLite keeps timestamps as
/// ticks), so each provider has an assembly of its own with one migrations folder per context, and each context
/// records its migrations in a history table of its own, because several contexts may share one database.
/// </summary>
public static class SchemaMigrations
{
    public static string AssemblyOf(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => "ConcertBooking.Migrations.Sqlite",
        DatabaseProvider.Postgres => "ConcertBooking.Migrations.Postgres",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    /// <summary><c>BookingDbContext</c> records in <c>__EFMigrationsHistory_Booking</c>, and so on.</summary>
    public static string HistoryTableOf(Type contextType) =>
        "__EFMigrationsHistory_" + (contextType.Name.EndsWith("DbContext", StringComparison.Ordinal) ? contextType.Name[..^"DbContext".Length] : contextType.Name);

    /// <summary>Makes the CREATEs of migrations idempotent (see <see cref="IdempotentDdl"/>).</summary>
    public static void UseIdempotentMigrations(this DbContextOptionsBuilder db, DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            db.ReplaceService<IMigrationsSqlGenerator, IdempotentSqliteMigrationsSqlGenerator>();
        }
        else
        {
            db.ReplaceService<IMigrationsSqlGenerator, IdempotentNpgsqlMigrationsSqlGenerator>();
        }
    }

    /// <summary>A context's options as the migrations tools see it (<c>dotnet ef migrations add</c>): the provider
    /// without a database, which the model and its migrations do not need.</summary>
    public static DbContextOptions<TContext> DesignTimeOptions<TContext>(DatabaseProvider provider)
        where TContext : DbContext
    {
        var db = new DbContextOptionsBuilder<TContext>();
        var assembly = AssemblyOf(provider);
        var history = HistoryTableOf(typeof(TContext));
        if (provider == DatabaseProvider.Sqlite)
        {
            db.UseSqlite("Data Source=design-time.db", o => o.MigrationsAssembly(assembly).MigrationsHistoryTable(history));
        }
        else
        {
            db.UseNpgsql("Host=localhost;Database=design_time", o => o.MigrationsAssembly(assembly).MigrationsHistoryTable(history));
        }

        db.UseIdempotentMigrations(provider);
        return db.Options;
    }
}

/// <summary>How <c>dotnet ef</c> makes a context on a provider: the options of <see cref="SchemaMigrations.DesignTimeOptions"/>,
/// given to the context's constructor. One subclass per context in each migrations project.</summary>
public abstract class DesignTimeContextFactory<TContext>(DatabaseProvider provider) : IDesignTimeDbContextFactory<TContext>
    where TContext : DbContext
{
    public TContext CreateDbContext(string[] args) =>
        (TContext)Activator.CreateInstance(typeof(TContext), SchemaMigrations.DesignTimeOptions<TContext>(provider))!;
}
