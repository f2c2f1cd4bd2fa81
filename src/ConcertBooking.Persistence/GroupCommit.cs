using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ConcertBooking.Persistence;

/// <summary>
/// Runs the write transactions of many concurrent callers one after another in a single database transaction and
/// commits them together, so a burst pays for one commit, not one each. With SQLite's <c>synchronous=FULL</c> every
/// commit syncs the WAL to disk, and on a slow disk that sync, not the work, caps how many transactions a second the
/// single writer can commit. The callers are the requests (holds, payments, charges, queue joins), the relay
/// recording what it delivered and the consumer groups storing their batches: one SQLite file has one writer, so
/// whoever commits on their own makes everyone else wait for their sync. Callers of every context type on the same
/// file share the group, each on a context of its own type enlisted in the group's transaction
/// (<see cref="GroupWriter"/>). Each caller's work runs inside its own savepoint: a refused hold or a failed batch
/// rolls back that caller's changes only. Nobody's result is released until the shared commit has returned, so no
/// response promises what the disk might lose, and a failed commit fails every caller of the group. What decides who
/// gets a seat is unchanged: the conditional statements and unique indexes run as before, in arrival order.
/// </summary>
public sealed class GroupCommit(IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, ILogger<GroupCommit> logger)
{
    /// <summary>How many callers at most share one commit: enough to absorb a 64-client burst, few enough that the
    /// write lock is not held long away from writers outside the group.</summary>
    public const int MaxGroupSize = 128;

    private readonly ConcurrentDictionary<string, GroupCommitLoop> _loops = new(StringComparer.Ordinal);

    /// <summary>A checkpoint of <paramref name="database"/> ran beside its writer: the writer finishes it
    /// (<see cref="GroupCommitLoop.FinishCheckpoint"/>).</summary>
    public void CheckpointRan(string database)
    {
        if (_loops.TryGetValue(database, out var loop))
        {
            loop.FinishCheckpoint();
        }
    }

    /// <summary>Queues <paramref name="work"/> to run in the next group's transaction on the database
    /// <paramref name="caller"/> points at, on the group's context of the same type, and returns its result once the
    /// group has committed.</summary>
    public Task<T> RunAsync<TContext, T>(TContext caller, Func<TContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
        where TContext : DbContext
    {
        var database = caller.Database.GetConnectionString() ?? string.Empty;
        var loop = _loops.GetOrAdd(database, _ => new GroupCommitLoop(scopes, lifetime.ApplicationStopped, logger));
        return loop.RunAsync(new GroupedWork<TContext, T>(work, cancellationToken));
    }
}
