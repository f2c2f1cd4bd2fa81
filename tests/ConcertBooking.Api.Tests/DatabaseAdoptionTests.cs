using System.Net;
using ConcertBooking.Api.Tests.Support;
using ConcertBooking.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ConcertBooking.Api.Tests;

/// <summary>
/// A database made by the release before migrations (Fixtures/pre-migrations-*.sql, frozen from that release) is
/// adopted when the API starts: every row stays, each context records its migrations, and the API works on it.
/// A new database gets the same migrations.
/// </summary>
public abstract class DatabaseAdoptionTests(DatabaseProvider provider) : IAsyncLifetime
{
    private static readonly string[] Histories =
        ["__EFMigrationsHistory_Booking", "__EFMigrationsHistory_Notifications", "__EFMigrationsHistory_Ranking", "__EFMigrationsHistory_DataPlatform",
         "__EFMigrationsHistory_Operations"];

    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(provider);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [ProviderFact]
    public async Task A_database_from_before_migrations_keeps_every_row_and_records_its_migrations()
    {
        await ExecuteAsync(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", $"pre-migrations-{provider.ToString().ToLowerInvariant()}.sql")));
        var before = await RowCountsAsync();

        await using (var api = await BookingApi.StartAsync(provider, _database.Settings))
        {
            var fan = await api.SignInAsync("fan1@example.com");
            var seat = (await api.SeatsAsync(1, "AVAILABLE"))[0];
            await (await fan.HoldAsync(1, seat.Id)).AssertStatusAsync(HttpStatusCode.Created);
            Assert.Equal(3, (await api.ConcertAsync(3)).Id);
        }

        var after = await RowCountsAsync();
        foreach (var (table, rows) in before)
        {
            Assert.True(after[table] >= rows, $"{table} had {rows} rows and has {after[table]}");
        }

        Assert.Equal(before["Reservations"] + 1, after["Reservations"]);
        Assert.All(Histories, history => Assert.Equal(1, after[history]));
    }

    [ProviderFact]
    public async Task A_new_database_gets_every_context_s_migrations()
    {
        await using (var api = await BookingApi.StartAsync(provider, _database.Settings))
        {
            await (await api.Anonymous().GetAsync("/api/concerts")).AssertStatusAsync(HttpStatusCode.OK);
        }

        var counts = await RowCountsAsync();
        Assert.All(Histories, history => Assert.Equal(1, counts[history]));
    }

    [ProviderFact]
    public async Task Processes_starting_at_once_migrate_the_database_once()
    {
        var settings = _database.Settings.Where(s => s.Key != "Database:DataDirectory").Select(s => $"--{s.Key}={s.Value}").ToArray();
        var directory = _database.Settings.TryGetValue("Database:DataDirectory", out var own) ? own! : Directory.CreateTempSubdirectory("concertbooking-migrate-").FullName;
        try
        {
            var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ApiProcess.RunAsync(directory, TimeSpan.FromSeconds(60), ["migrate", .. settings])));

            Assert.All(runs, run => Assert.True(run.ExitCode == 0, string.Join('\n', run.Lines)));
            Assert.Single(runs, run => run.Lines.Any(l => l.StartsWith("BookingDbContext: applied ", StringComparison.Ordinal)));
            var counts = await RowCountsAsync();
            Assert.All(Histories, history => Assert.Equal(1, counts[history]));
        }
        finally
        {
            if (provider != DatabaseProvider.Sqlite)
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private async Task<Dictionary<string, long>> RowCountsAsync()
    {
        var tables = await QueryAsync<string>(provider == DatabaseProvider.Sqlite
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            : "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
        var counts = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            counts[table] = (await QueryAsync<long>($"SELECT COUNT(*) FROM \"{table}\""))[0];
        }

        return counts;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<List<T>> QueryAsync<T>(string sql)
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<T>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetFieldValue<T>(0));
        }

        return values;
    }

    private System.Data.Common.DbConnection Open() => provider == DatabaseProvider.Sqlite
        ? new SqliteConnection($"Data Source={Path.Combine(_database.Settings["Database:DataDirectory"]!, "concertbooking.db")};Pooling=False")
        : new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_database.Settings["ConnectionStrings:Booking"]) { Pooling = false }.ConnectionString);
}

public sealed class SqliteDatabaseAdoptionTests() : DatabaseAdoptionTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class PostgresDatabaseAdoptionTests() : DatabaseAdoptionTests(DatabaseProvider.Postgres);
