using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ConcertBooking.Persistence;

/// <summary>
/// Per-connection SQLite settings. WAL lets readers run beside the single writer; NORMAL sync is durable across
/// process crashes in WAL mode and several times faster than FULL. Checkpoints are taken off the commit path
/// (<see cref="SqliteCheckpointer"/>): left automatic, the commit that crosses the threshold copies the WAL into the
/// database and syncs it while this process's writers queue behind it. The settings stick to the native
/// connection, which the pool hands out again and again, so they are sent once per native connection rather than
/// on every open.
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Pragmas =
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA wal_autocheckpoint=0;";

    private readonly ConditionalWeakTable<object, object> _configured = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (NeedsPragmas(connection))
        {
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (NeedsPragmas(connection))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private bool NeedsPragmas(DbConnection connection) =>
        connection is not SqliteConnection { Handle: { } native } || _configured.TryAdd(native, native);
}
