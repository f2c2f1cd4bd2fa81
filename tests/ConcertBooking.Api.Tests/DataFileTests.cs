using ConcertBooking.Api.Tests.Support;
using ConcertBooking.Infrastructure;
using ConcertBooking.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Api.Tests;

/// <summary>The SQLite data is readable by the service's account alone, and its durability is what the settings say.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataFileTests : IDisposable
{
    private readonly string _parent = Directory.CreateTempSubdirectory("concertbooking-modes-").FullName;

    public void Dispose() => Directory.Delete(_parent, recursive: true);

    [Fact]
    public async Task A_new_data_directory_is_0700_and_the_database_and_its_wal_files_are_0600()
    {
        var directory = Path.Combine(_parent, "data");
        await using (var api = await StartAsync(directory))
        {
            var fan = await api.SignInAsync();
            await fan.ChargedAsync(1_000);

            Assert.Equal(PrivateDataFiles.DirectoryMode, File.GetUnixFileMode(directory));
            var files = Directory.GetFiles(directory, "concertbooking.db*");
            Assert.Contains(Path.Combine(directory, "concertbooking.db-wal"), files);
            Assert.All(files, file => Assert.Equal((file, PrivateDataFiles.FileMode), (file, File.GetUnixFileMode(file))));
        }
    }

    [Fact]
    public async Task Database_files_an_older_version_left_world_readable_are_closed_at_start()
    {
        var directory = Path.Combine(_parent, "old");
        Directory.CreateDirectory(directory);
        var database = Path.Combine(directory, "concertbooking.db");
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var wal = connection.CreateCommand();
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            await wal.ExecuteNonQueryAsync();
        }

        File.SetUnixFileMode(database, PrivateDataFiles.FileMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await using var api = await StartAsync(directory);
        await api.SignInAsync();

        Assert.Equal(PrivateDataFiles.FileMode, File.GetUnixFileMode(database));
    }

    [Theory]
    [InlineData(null, 2)]
    [InlineData("Full", 2)]
    [InlineData("Normal", 1)]
    public async Task Sqlite_syncs_every_commit_unless_told_normal(string? setting, long expected)
    {
        await using var api = await StartAsync(Path.Combine(_parent, "sync"), setting);

        var synchronous = await api.QueryAsync(async db =>
        {
            await db.Database.OpenConnectionAsync();
            return await db.Database.SqlQueryRaw<long>("SELECT synchronous AS \"Value\" FROM pragma_synchronous").SingleAsync();
        });

        Assert.Equal(expected, synchronous);
    }

    private static Task<BookingApi> StartAsync(string directory, string? synchronous = null) =>
        BookingApi.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Database:DataDirectory"] = directory,
            ["Database:Sqlite:Synchronous"] = synchronous,
        });
}
