using ConcertBooking.DataPlatform;
using ConcertBooking.Infrastructure.Persistence;
using ConcertBooking.Notifications.Persistence;
using ConcertBooking.Operations;
using ConcertBooking.Persistence.Migrations;
using ConcertBooking.Rankings;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Api.Tests;

/// <summary>
/// Each context's model is exactly what its migrations make, on each provider: a model change without a migration
/// fails here (add one with <c>dotnet ef migrations add</c>, see docs/migrations.md).
/// </summary>
public sealed class MigrationTests
{
    public static TheoryData<DatabaseProvider, string> Contexts => new()
    {
        { DatabaseProvider.Sqlite, nameof(BookingDbContext) },
        { DatabaseProvider.Sqlite, nameof(NotificationsDbContext) },
        { DatabaseProvider.Sqlite, nameof(RankingDbContext) },
        { DatabaseProvider.Sqlite, nameof(DataPlatformDbContext) },
        { DatabaseProvider.Sqlite, nameof(OperationsDbContext) },
        { DatabaseProvider.Postgres, nameof(BookingDbContext) },
        { DatabaseProvider.Postgres, nameof(NotificationsDbContext) },
        { DatabaseProvider.Postgres, nameof(RankingDbContext) },
        { DatabaseProvider.Postgres, nameof(DataPlatformDbContext) },
        { DatabaseProvider.Postgres, nameof(OperationsDbContext) },
    };

    [Theory]
    [MemberData(nameof(Contexts))]
    public void The_model_has_no_changes_that_lack_a_migration(DatabaseProvider provider, string context)
    {
        using var db = Create(provider, context);

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), $"{context} on {provider} has model changes without a migration: see docs/migrations.md.");
    }

    internal static DbContext Create(DatabaseProvider provider, string context) => context switch
    {
        nameof(BookingDbContext) => new BookingDbContext(SchemaMigrations.DesignTimeOptions<BookingDbContext>(provider)),
        nameof(NotificationsDbContext) => new NotificationsDbContext(SchemaMigrations.DesignTimeOptions<NotificationsDbContext>(provider)),
        nameof(RankingDbContext) => new RankingDbContext(SchemaMigrations.DesignTimeOptions<RankingDbContext>(provider)),
        nameof(DataPlatformDbContext) => new DataPlatformDbContext(SchemaMigrations.DesignTimeOptions<DataPlatformDbContext>(provider)),
        nameof(OperationsDbContext) => new OperationsDbContext(SchemaMigrations.DesignTimeOptions<OperationsDbContext>(provider)),
        _ => throw new ArgumentOutOfRangeException(nameof(context), context, null),
    };
}
