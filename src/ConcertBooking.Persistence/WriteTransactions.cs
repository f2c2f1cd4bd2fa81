using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Persistence;

/// <summary>
/// Runs a unit of work in a write transaction. On SQLite, with <c>Database:Sqlite:GroupCommit</c> on (the default),
/// concurrent units share one commit (<see cref="GroupCommit"/>) and run on the group's context; otherwise, or inside
/// a transaction the caller already opened, the unit runs on the caller's own context and commits alone, queued among
/// this process's writers by <paramref name="priority"/>. A unit must therefore use only the context it is given.
/// </summary>
public sealed class WriteTransactions<TContext>(TContext db, GroupCommit group, IOptions<DatabaseOptions> options)
    where TContext : DbContext
{
    public Task<T> RunAsync<T>(
        Func<TContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken, WritePriority priority = WritePriority.Foreground) =>
        Grouped ? group.RunAsync(db, work, cancellationToken) : db.InTransactionAsync(ct => work(db, ct), cancellationToken, priority);

    private bool Grouped =>
        options.Value is { Provider: DatabaseProvider.Sqlite, Sqlite.GroupCommit: true } && db.Database.CurrentTransaction is null;
}
