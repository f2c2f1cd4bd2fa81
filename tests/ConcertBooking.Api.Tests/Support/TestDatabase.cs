using ConcertBooking.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ConcertBooking.Api.Tests.Support;

/// <summary>A database of one API instance's own, removed when that instance is disposed.</summary>
internal abstract class TestDatabase : IAsyncDisposable
{
    /// <summary>The configuration that points the API at this database.</summary>
    public abstract IReadOnlyDictionary<string, string?> Settings { get; }

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => new SqliteTestDatabase(),
        DatabaseProvider.Postgres => await PostgresTestDatabase.CreateAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    public abstract ValueTask DisposeAsync();
}

internal sealed class SqliteTestDatabase : TestDatabase
{
    private readonly string _directory = Directory.CreateTempSubdirectory("concertbooking-tests-").FullName;

    public override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Database:Provider"] = nameof(DatabaseProvider.Sqlite),
        ["Database:DataDirectory"] = _directory,
    };

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; close them so the directory really goes.
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, "concertbooking.db")}"))
        {
            SqliteConnection.ClearPool(connection);
        }

        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}

internal sealed class PostgresTestDatabase : TestDatabase
{
    private readonly string _name = $"concertbooking_test_{Guid.NewGuid():N}";

    private PostgresTestDatabase()
    {
    }

    public override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Database:Provider"] = nameof(DatabaseProvider.Postgres),
        ["ConnectionStrings:Booking"] = ConnectionString,
    };

    // The concurrency tests send hundreds of requests at once; 40 connections keep several test databases within
    // a shared server's max_connections while requests queue for the pool rather than fail.
    private string ConnectionString => new NpgsqlConnectionStringBuilder(PostgresServer.BaseConnectionString)
    {
        Database = _name,
        MaxPoolSize = 40,
        Timeout = 60,
    }.ConnectionString;

    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var database = new PostgresTestDatabase();
        try
        {
            await ExecuteOnServerAsync($"CREATE DATABASE \"{database._name}\"");
        }
        catch (NpgsqlException ex)
        {
            var server = new NpgsqlConnectionStringBuilder(PostgresServer.BaseConnectionString);
            throw new InvalidOperationException(
                $"Cannot create a test database on the PostgreSQL server at {server.Host}:{server.Port} ({PostgresServer.EnvironmentVariable}).", ex);
        }

        return database;
    }

    public override async ValueTask DisposeAsync()
    {
        using (var connection = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)");
    }

    private static async Task ExecuteOnServerAsync(string sql)
    {
        var server = new NpgsqlConnectionStringBuilder(PostgresServer.BaseConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
