using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ConcertBooking.Persistence;

/// <summary>
/// Runs the write transactions of many concurrent callers (holds, payments) one after another in a single database
/// transaction and commits them together, so a burst of requests pays for one commit, not one each. With SQLite's
/// <c>synchronous=FULL</c> every commit syncs the WAL to disk, and on a slow disk that sync, not the work, caps how
/// many transactions a second the single writer can commit (measured 250–620 a second). Each caller's work runs
/// inside its own savepoint: a refused hold or a failed statement rolls back that caller's changes only. Nobody's
/// result is released until the shared commit has returned, so no response promises what the disk might lose, and a
/// failed commit fails every caller of the group. What decides who gets a seat is unchanged: the conditional
/// statements and unique indexes run as before, in the order the callers arrived.
/// </summary>
public sealed class GroupCommit<TContext>(IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, ILogger<GroupCommit<TContext>> logger)
    where TContext : DbContext
{
    /// <summary>How many callers at most share one commit: enough to absorb a 64-client burst, few enough that the
    /// write lock is not held long away from the relay and the consumer groups.</summary>
    public const int MaxGroupSize = 128;

    private const string Savepoint = "caller";

    private readonly Channel<GroupedWork> _queue = Channel.CreateUnbounded<GroupedWork>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _startLock = new();
    private Task? _loop;

    /// <summary>Queues <paramref name="work"/> to run in the next group's transaction on that group's context and
    /// returns its result once the group has committed.</summary>
    public Task<T> RunAsync<T>(Func<TContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        EnsureStarted();
        var item = new GroupedWork<T>(work, cancellationToken);
        if (!_queue.Writer.TryWrite(item))
        {
            throw new InvalidOperationException("The application is stopping.");
        }

        return item.Task;
    }

    private void EnsureStarted()
    {
        if (_loop is not null)
        {
            return;
        }

        lock (_startLock)
        {
            // The loop belongs to no request: it must not keep the first caller's trace or logging scope.
            using (ExecutionContext.SuppressFlow())
            {
                _loop ??= Task.Run(() => LoopAsync(lifetime.ApplicationStopping));
            }
        }
    }

    private async Task LoopAsync(CancellationToken stopping)
    {
        var group = new List<GroupedWork>(MaxGroupSize);
        AsyncServiceScope? writer = null;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stopping))
            {
                group.Clear();
                while (group.Count < MaxGroupSize && _queue.Reader.TryRead(out var item))
                {
                    if (!item.IsAbandoned)
                    {
                        group.Add(item);
                    }
                }

                if (group.Count == 0)
                {
                    continue;
                }

                // One context and open connection for every group: its page cache stays warm between groups.
                writer ??= scopes.CreateAsyncScope();
                if (!await CommitGroupAsync(writer.Value.ServiceProvider.GetRequiredService<TContext>(), group, stopping))
                {
                    await writer.Value.DisposeAsync();
                    writer = null;
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var left))
            {
                left.Fail(new OperationCanceledException("The application is stopping."));
            }

            if (writer is { } open)
            {
                await open.DisposeAsync();
            }
        }
    }

    /// <summary>Runs and commits one group; false when it failed and the context should not be used again.</summary>
    private async Task<bool> CommitGroupAsync(TContext db, List<GroupedWork> group, CancellationToken stopping)
    {
        try
        {
            if (db.Database.GetDbConnection().State != System.Data.ConnectionState.Open)
            {
                await db.Database.OpenConnectionAsync(stopping);
            }

            using var writeTurn = await SqliteWriteGate.EnterAsync(db, stopping);
            await using var transaction = await db.Database.BeginTransactionAsync(stopping);
            for (var next = 0; next < group.Count; next++)
            {
                await RunInSavepointAsync(db, transaction, group[next], stopping);

                // Callers that arrived while the group ran join it before it commits, rather than wait for this
                // commit and then for a turn and a commit of their own.
                if (next == group.Count - 1 && group.Count < MaxGroupSize && _queue.Reader.TryRead(out var late) && !late.IsAbandoned)
                {
                    group.Add(late);
                }
            }

            await transaction.CommitAsync(stopping);
        }
        catch (Exception ex)
        {
            if (!stopping.IsCancellationRequested)
            {
                logger.LogError(ex, "A group of {Count} write transactions failed to commit; each caller gets the failure", group.Count);
            }

            foreach (var item in group)
            {
                item.Fail(ex);
            }

            return false;
        }

        foreach (var item in group)
        {
            item.Release();
        }

        return true;
    }

    private static async Task RunInSavepointAsync(TContext db, IDbContextTransaction transaction, GroupedWork item, CancellationToken stopping)
    {
        if (item.IsAbandoned)
        {
            return;
        }

        await transaction.CreateSavepointAsync(Savepoint, stopping);
        try
        {
            // The group's token, not the caller's: cancelling a command interrupts the whole shared connection.
            await item.RunAsync(db, stopping);
            await transaction.ReleaseSavepointAsync(Savepoint, stopping);
        }
        catch (Exception refused) when (!stopping.IsCancellationRequested)
        {
            await transaction.RollbackToSavepointAsync(Savepoint, stopping);
            await transaction.ReleaseSavepointAsync(Savepoint, stopping);
            item.Refuse(refused);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    private abstract class GroupedWork
    {
        public abstract bool IsAbandoned { get; }

        public abstract Task RunAsync(TContext db, CancellationToken cancellationToken);

        /// <summary>The caller's own work failed: its changes are rolled back, the rest of the group goes on.</summary>
        public abstract void Refuse(Exception exception);

        /// <summary>The group committed: hands the caller its result, or the failure its work met.</summary>
        public abstract void Release();

        /// <summary>The group did not commit: nothing of the caller's work remains.</summary>
        public abstract void Fail(Exception exception);
    }

    private sealed class GroupedWork<T> : GroupedWork
    {
        private readonly Func<TContext, CancellationToken, Task<T>> _work;
        private readonly ExecutionContext? _caller = ExecutionContext.Capture();
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenRegistration _cancellation;
        private T? _result;
        private Exception? _refusal;

        public GroupedWork(Func<TContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
        {
            _work = work;
            // A caller that gives up before its turn is dropped; once its work has run, the group's outcome stands.
            _cancellation = cancellationToken.Register(() => _completion.TrySetCanceled(cancellationToken));
        }

        public Task<T> Task => _completion.Task;

        public override bool IsAbandoned => _completion.Task.IsCompleted;

        public override async Task RunAsync(TContext db, CancellationToken cancellationToken)
        {
            _cancellation.Dispose();
            _result = await RunAsCallerAsync(db, cancellationToken);
        }

        // The work runs with the caller's trace and logging scope, so its spans and outbox rows belong to its request.
        private Task<T> RunAsCallerAsync(TContext db, CancellationToken cancellationToken)
        {
            if (_caller is null)
            {
                return _work(db, cancellationToken);
            }

            Task<T>? task = null;
            ExecutionContext.Run(_caller, _ => task = _work(db, cancellationToken), null);
            return task!;
        }

        public override void Refuse(Exception exception) => _refusal = exception;

        public override void Release()
        {
            if (_refusal is null)
            {
                _completion.TrySetResult(_result!);
            }
            else
            {
                _completion.TrySetException(_refusal);
            }
        }

        public override void Fail(Exception exception)
        {
            _cancellation.Dispose();
            _completion.TrySetException(exception);
        }
    }
}
