using ConcertBooking.Api.Tests.Support;
using ConcertBooking.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Api.Tests;

/// <summary>A database made by an earlier version gets the nullable columns a later version added.</summary>
public sealed class SchemaUpgradeTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("concertbooking-upgrade-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_table_from_an_earlier_version_gains_its_new_nullable_columns_and_keeps_its_rows()
    {
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, "concertbooking.db")};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode=WAL;
                CREATE TABLE "RankingReservations" ("ReservationId" INTEGER NOT NULL CONSTRAINT "PK_RankingReservations" PRIMARY KEY, "ConcertId" INTEGER NULL, "Paid" INTEGER NOT NULL);
                INSERT INTO "RankingReservations" VALUES (7, 3, 1);
                """;
            await command.ExecuteNonQueryAsync();
        }

        await using var api = await BookingApi.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["Database:DataDirectory"] = _directory });

        var columns = await api.QueryAsync(db => db.Database.SqlQueryRaw<string>("""SELECT name AS "Value" FROM pragma_table_info('RankingReservations')""").ToListAsync());
        Assert.Superset(new HashSet<string> { "ReservationId", "ConcertId", "Paid", "HeldUserId", "HeldAmount", "Ended", "PaidUserId", "PaidAmount", "Counted" }, columns.ToHashSet());
        var row = await api.QueryAsync(db => db.Database.SqlQueryRaw<long>("""SELECT COUNT(*) AS "Value" FROM "RankingReservations" WHERE "ReservationId" = 7 AND "Paid" = 1 AND "HeldAmount" IS NULL""").SingleAsync());
        Assert.Equal(1, row);
    }
}
