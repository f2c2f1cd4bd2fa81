using ConcertBooking.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ConcertBooking.Api.Tests.Support;

/// <summary>A database of one API instance's own, removed when that instance is disposed.</summary>
internal abstract class TestDatabase : IAsyncDisposable
{
    /// <summary>The configuration that points the API at this database.</summary>
    public abstract IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>The connection names of the services that may have a database of their own.</summary>
    public static readonly string[] ServiceConnections = ["Notifications", "Rankings", "DataPlatform"];

    /// <param name="separateServiceDatabases">Gives each downstream service a database of its own.</param>
    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider, bool separateServiceDatabases = false) => provider switch
    {
        DatabaseProvider.Sqlite => new SqliteTestDatabase(separateServiceDatabases),
        DatabaseProvider.Postgres => await PostgresTestDatabase.CreateAsync(separateServiceDatabases),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    public abstract ValueTask DisposeAsync();
}

internal sealed class SqliteTestDatabase(bool separateServiceDatabases) : TestDatabase
{
    private readonly string _directory = Directory.CreateTempSubdirectory("concertbooking-tests-").FullName;

    public override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(
        (separateServiceDatabases ? ServiceConnections : [])
            .Select(name => KeyValuePair.Create($"ConnectionStrings:{name}", (string?)$"Data Source={name.ToLowerInvariant()}.db")))
    {
        ["Database:Provider"] = nameof(DatabaseProvider.Sqlite),
        ["Database:DataDirectory"] = _directory,
    };

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; close them so the directory really goes.
        SqliteConnection.ClearAllPools();

        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}

internal sealed class PostgresTestDatabase : TestDatabase
{
    private readonly string _name = $"concertbooking_test_{Guid.NewGuid():N}";
    private readonly string[] _services;

    private PostgresTestDatabase(bool separateServiceDatabases)
    {
        _services = separateServiceDatabases ? ServiceConnections : [];
    }

    public override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(
        _services.Select(name => KeyValuePair.Create($"ConnectionStrings:{name}", (string?)ConnectionString(ServiceDatabase(name)))))
    {
        ["Database:Provider"] = nameof(DatabaseProvider.Postgres),
        ["ConnectionStrings:Booking"] = ConnectionString(_name),
    };

    private string ServiceDatabase(string connectionName) => $"{_name}_{connectionName.ToLowerInvariant()}";

    private IEnumerable<string> Databases => _services.Select(ServiceDatabase).Prepend(_name);

    // The concurrency tests send hundreds of requests at once; 40 connections keep several test databases within
    // a shared server's max_connections while requests queue for the pool rather than fail.
    private static string ConnectionString(string database) => new NpgsqlConnectionStringBuilder(PostgresServer.BaseConnectionString)
    {
        Database = database,
        MaxPoolSize = 40,
        Timeout = 60,
    }.ConnectionString;

    public static async Task<PostgresTestDatabase> CreateAsync(bool separateServiceDatabases)
    {
        var database = new PostgresTestDatabase(separateServiceDatabases);
        try
        {
            foreach (var name in database.Databases)
            {
                await ExecuteOnServerAsync($"CREATE DATABASE \"{name}\"");
            }
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
        NpgsqlConnection.ClearAllPools();
        foreach (var name in Databases)
        {
            await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
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
