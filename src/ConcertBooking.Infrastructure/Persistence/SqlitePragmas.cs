using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ConcertBooking.Infrastructure.Persistence;

/// <summary>WAL lets readers run beside the single writer; NORMAL sync is durable across process crashes in WAL mode
/// and several times faster than FULL. Both are per-connection settings, so every opened connection gets them.</summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
