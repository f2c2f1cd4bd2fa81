using ConcertBooking.DataPlatform;
using ConcertBooking.Infrastructure.Persistence;
using ConcertBooking.Notifications.Persistence;
using ConcertBooking.Operations;
using ConcertBooking.Persistence;
using ConcertBooking.Persistence.Migrations;
using ConcertBooking.Rankings;

namespace ConcertBooking.Migrations.Sqlite;

// What `dotnet ef migrations add` uses to make each context on Sqlite (see docs/migrations.md).

internal sealed class BookingContextFactory() : DesignTimeContextFactory<BookingDbContext>(DatabaseProvider.Sqlite);

internal sealed class NotificationsContextFactory() : DesignTimeContextFactory<NotificationsDbContext>(DatabaseProvider.Sqlite);

internal sealed class RankingContextFactory() : DesignTimeContextFactory<RankingDbContext>(DatabaseProvider.Sqlite);

internal sealed class DataPlatformContextFactory() : DesignTimeContextFactory<DataPlatformDbContext>(DatabaseProvider.Sqlite);

internal sealed class OperationsContextFactory() : DesignTimeContextFactory<OperationsDbContext>(DatabaseProvider.Sqlite);
