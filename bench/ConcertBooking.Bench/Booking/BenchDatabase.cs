using ConcertBooking.Infrastructure;
using System.Data.Common;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ConcertBooking.Bench.Booking;

/// <summary>
/// The database the API under test writes to, which the benchmark also reads directly (oversold check) and writes
/// directly (the raw ADO.NET phase). Fresh ones are made for the run and removed at the end.
/// </summary>
public abstract class BenchDatabase : IAsyncDisposable
{
    public const string PostgresEnvironmentVariable = "CONCERTBOOKING_BENCH_POSTGRES";
    public const string DefaultPostgres = "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres";

    public abstract BenchProvider Provider { get; }

    public abstract string Description { get; }

    /// <summary>The PostgreSQL database name, whose server processes count as the database's CPU; null on SQLite.</summary>
    public virtual string? PostgresDatabaseName => null;

    /// <summary>Configuration keys and values that point the API at this database.</summary>
    public abstract IReadOnlyDictionary<string, string> ApiConfiguration { get; }

    /// <summary>
    /// True when the ADO.NET driver does all its work synchronously, even behind its async methods (Microsoft.Data.Sqlite,
    /// including its wait for the write lock). Raw clients then run on dedicated threads instead of the thread pool.
    /// </summary>
    public abstract bool SynchronousDriver { get; }

    /// <summary>A fresh database with the product's default durability (SQLite <c>synchronous=FULL</c>).</summary>
    public static Task<BenchDatabase> CreateFreshAsync(BenchProvider provider, CancellationToken cancellationToken) =>
        provider == BenchProvider.Sqlite
            ? Task.FromResult<BenchDatabase>(SqliteBenchDatabase.CreateFresh(SqliteSynchronous.Full))
            : PostgresBenchDatabase.CreateFreshAsync(cancellationToken);

    public static Task<BenchDatabase> CreateFreshAsync(BookingSettings settings, CancellationToken cancellationToken) =>
        settings.Provider == BenchProvider.Sqlite
            ? Task.FromResult<BenchDatabase>(SqliteBenchDatabase.CreateFresh(settings.Synchronous))
            : PostgresBenchDatabase.CreateFreshAsync(cancellationToken);

    /// <summary>An existing database (the one behind <c>--url</c>); it is left in place at the end.</summary>
    public static BenchDatabase Attach(BookingSettings settings, string connectionString) =>
        settings.Provider == BenchProvider.Sqlite
            ? new SqliteBenchDatabase(new SqliteConnectionStringBuilder(connectionString).DataSource, directoryToDelete: null, settings.Synchronous)
            : new PostgresBenchDatabase(connectionString, databaseToDrop: null);

    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Begins a transaction that will write: on SQLite <c>BEGIN IMMEDIATE</c>, as the API does.</summary>
    public abstract ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>A <see cref="DateTimeOffset"/> as the API's schema stores it.</summary>
    public abstract object Timestamp(DateTimeOffset value);

    /// <summary>A <see cref="Guid"/> as the API's schema stores it.</summary>
    public abstract object Uuid(Guid value);

    public abstract ValueTask DisposeAsync();
}

/// <summary>A SQLite file. Fresh ones live in a temporary directory handed to the API as its data directory.</summary>
public sealed class SqliteBenchDatabase(string path, string? directoryToDelete, SqliteSynchronous synchronous) : BenchDatabase
{
    /// <summary>The API's per-connection settings (ConcertBooking.Infrastructure's SqlitePragmas), so the raw phase
    /// writes under the same durability and lock-wait rules.</summary>
    private readonly string _pragmas = $"PRAGMA journal_mode=WAL; PRAGMA synchronous={SyncName(synchronous)}; PRAGMA busy_timeout=30000;";

    /// <summary>The file name the API uses inside its data directory.</summary>
    private const string FileName = "concertbooking.db";

    private readonly string _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();

    public override BenchProvider Provider => BenchProvider.Sqlite;

    public override string Description => $"SQLite {path} (synchronous={SyncName(synchronous)})";

    public override IReadOnlyDictionary<string, string> ApiConfiguration => new Dictionary<string, string>
    {
        ["Database:Provider"] = "Sqlite",
        ["Database:DataDirectory"] = Path.GetDirectoryName(path)!,
        ["Database:Sqlite:Synchronous"] = synchronous.ToString(),
    };

    public override bool SynchronousDriver => true;

    public static SqliteBenchDatabase CreateFresh(SqliteSynchronous synchronous)
    {
        var directory = Directory.CreateTempSubdirectory("concertbooking-bench-").FullName;
        return new SqliteBenchDatabase(Path.Combine(directory, FileName), directory, synchronous);
    }

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragmas = connection.CreateCommand();
        pragmas.CommandText = _pragmas;
        await pragmas.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    public override ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    private static string SyncName(SqliteSynchronous value) => value.ToString().ToUpperInvariant();

    /// <summary>The API maps DateTimeOffset to UTC ticks on SQLite (UtcTicksConverter).</summary>
    public override object Timestamp(DateTimeOffset value) => value.UtcTicks;

    /// <summary>EF Core stores a Guid on SQLite as upper-case text.</summary>
    public override object Uuid(Guid value) => value.ToString().ToUpperInvariant();

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        if (directoryToDelete is not null)
        {
            try
            {
                Directory.Delete(directoryToDelete, recursive: true);
            }
            catch (IOException ex)
            {
                Console.Error.WriteLine($"Could not delete {directoryToDelete}: {ex.Message}");
            }
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>A PostgreSQL database. Fresh ones get a unique name on the configured server and are dropped at the end.</summary>
public sealed class PostgresBenchDatabase(string connectionString, string? databaseToDrop) : BenchDatabase
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    public override BenchProvider Provider => BenchProvider.Postgres;

    public override string Description
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return $"PostgreSQL database {builder.Database} on {builder.Host}:{builder.Port}";
        }
    }

    public override string? PostgresDatabaseName => new NpgsqlConnectionStringBuilder(connectionString).Database;

    public override IReadOnlyDictionary<string, string> ApiConfiguration => new Dictionary<string, string>
    {
        ["Database:Provider"] = "Postgres",
        ["ConnectionStrings:Booking"] = connectionString,
    };

    public override bool SynchronousDriver => false;

    public static async Task<BenchDatabase> CreateFreshAsync(CancellationToken cancellationToken)
    {
        var server = Environment.GetEnvironmentVariable(PostgresEnvironmentVariable) is { Length: > 0 } configured
            ? configured
            : DefaultPostgres;
        var name = $"concertbooking_bench_{DateTime.UtcNow:yyyyMMdd_HHmmss}_{RandomNumberGenerator.GetHexString(6, lowercase: true)}";
        await using (var admin = new NpgsqlConnection(WithDatabase(server, "postgres")))
        {
            await admin.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        return new PostgresBenchDatabase(WithDatabase(server, name), databaseToDrop: name);
    }

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    public override async ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(cancellationToken);

    public override object Timestamp(DateTimeOffset value) => value.ToUniversalTime();

    public override object Uuid(Guid value) => value;

    public override async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        if (databaseToDrop is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        try
        {
            // Not cancellable: leaving a stray database behind on Ctrl+C is worse than a second of waiting.
            await using var admin = new NpgsqlConnection(WithDatabase(connectionString, "postgres"));
            await admin.OpenAsync(CancellationToken.None);
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{databaseToDrop}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException ex)
        {
            Console.Error.WriteLine($"Could not drop database {databaseToDrop}: {ex.Message}");
        }
    }

    private static string WithDatabase(string connectionString, string database) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ToString();
}
