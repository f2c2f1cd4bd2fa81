using ConcertBooking.DataPlatform;
using ConcertBooking.Infrastructure.Persistence;
using ConcertBooking.Notifications.Persistence;
using ConcertBooking.Operations;
using ConcertBooking.Persistence;
using ConcertBooking.Persistence.Migrations;
using ConcertBooking.Rankings;

namespace ConcertBooking.Migrations.Postgres;

// What `dotnet ef migrations add` uses to make each context on Postgres (see docs/migrations.md).

internal sealed class BookingContextFactory() : DesignTimeContextFactory<BookingDbContext>(DatabaseProvider.Postgres);

internal sealed class NotificationsContextFactory() : DesignTimeContextFactory<NotificationsDbContext>(DatabaseProvider.Postgres);

internal sealed class RankingContextFactory() : DesignTimeContextFactory<RankingDbContext>(DatabaseProvider.Postgres);

internal sealed class DataPlatformContextFactory() : DesignTimeContextFactory<DataPlatformDbContext>(DatabaseProvider.Postgres);

internal sealed class OperationsContextFactory() : DesignTimeContextFactory<OperationsDbContext>(DatabaseProvider.Postgres);
