using System.ComponentModel.DataAnnotations;

namespace ConcertBooking.Persistence;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Where the SQLite file and other runtime data live; relative paths are under the content root.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>Apply pending migrations at startup; when false, a start with pending migrations is refused (apply
    /// them with the <c>migrate</c> command or its script).</summary>
    public bool MigrateOnStartup { get; set; } = true;

    public SqliteOptions Sqlite { get; set; } = new();
}

/// <summary>SQLite's <c>synchronous</c> setting (WAL mode). <see cref="Full"/> syncs the WAL at every commit, so an
/// acknowledged payment survives an OS crash or a power cut; <see cref="Normal"/> syncs only at checkpoints, which is
/// faster and still safe against a crash of this process, but may lose the last commits to an OS crash or power cut.</summary>
public enum SqliteSynchronous
{
    Full,
    Normal,
}

public sealed class SqliteOptions
{
    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Full;

    /// <summary>Concurrent write transactions on one SQLite file (holds, payments, charges, queue joins and leaves,
    /// cancellations, the relay's sent-marks, the consumer groups' batches) share one commit (<see cref="GroupCommit"/>),
    /// so a burst costs one WAL sync rather than one per transaction. Each still answers only after its commit.</summary>
    public bool GroupCommit { get; set; } = true;
}
