using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Persistence;

/// <summary>
/// Runs a request's unit of work in a write transaction. On SQLite, with <c>Database:Sqlite:GroupCommit</c> on (the
/// default), concurrent units share one commit (<see cref="GroupCommit{TContext}"/>) and run on the group's context;
/// otherwise, or inside a transaction the caller already opened, the unit runs on the request's own context and
/// commits alone. A unit must therefore use only the context it is given.
/// </summary>
public sealed class WriteTransactions<TContext>(TContext db, GroupCommit<TContext> group, IOptions<DatabaseOptions> options)
    where TContext : DbContext
{
    public Task<T> RunAsync<T>(Func<TContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        Grouped ? group.RunAsync(work, cancellationToken) : db.InTransactionAsync(ct => work(db, ct), cancellationToken);

    private bool Grouped =>
        options.Value is { Provider: DatabaseProvider.Sqlite, Sqlite.GroupCommit: true } && db.Database.CurrentTransaction is null;
}
