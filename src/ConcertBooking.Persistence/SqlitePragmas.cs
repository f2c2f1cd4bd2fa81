using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Persistence;

/// <summary>
/// Per-connection SQLite settings. WAL lets readers run beside the single writer; the sync level is
/// <c>Database:Sqlite:Synchronous</c> (see <see cref="SqliteSynchronous"/>: FULL by default, as a lost acknowledged
/// payment is worse than a slower commit). Checkpoints are taken off the commit path
/// (<see cref="SqliteCheckpointer"/>): left automatic, the commit that crosses the threshold copies the WAL into the
/// database and syncs it while this process's writers queue behind it. The settings stick to the native
/// connection, which the pool hands out again and again, so they are sent once per native connection rather than
/// on every open. Temporary data stays in memory: each caller of a group commit runs in a savepoint, and SQLite keeps
/// a savepoint's undo pages in a temporary file otherwise (some 9 MB a second of writes at 1,500 holds a second).
/// </summary>
internal sealed class SqlitePragmas(IOptions<DatabaseOptions> options) : DbConnectionInterceptor
{
    /// <summary>How long a statement waits for a lock held by another connection before SQLITE_BUSY.</summary>
    public const int BusyTimeoutMilliseconds = 30_000;

    private readonly string _pragmas =
        $"PRAGMA journal_mode=WAL; PRAGMA synchronous={options.Value.Sqlite.Synchronous.ToString().ToUpperInvariant()}; PRAGMA busy_timeout={BusyTimeoutMilliseconds}; PRAGMA wal_autocheckpoint=0; PRAGMA temp_store=MEMORY;";

    private readonly ConditionalWeakTable<object, object> _configured = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (NeedsPragmas(connection))
        {
            using var command = connection.CreateCommand();
            command.CommandText = _pragmas;
            command.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (NeedsPragmas(connection))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = _pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private bool NeedsPragmas(DbConnection connection) =>
        connection is not SqliteConnection { Handle: { } native } || _configured.TryAdd(native, native);
}
