using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ConcertBooking.Persistence;

/// <summary>
/// The writer's side of a group commit: one open connection to the database file and, on it, one context of each
/// type the callers asked for, every one enlisted in the group's transaction. The contexts are the writer's own (not
/// leased from the pool), because they are pointed at the shared connection and must never be handed to anyone else.
/// </summary>
internal sealed class GroupWriter(AsyncServiceScope scope) : IAsyncDisposable
{
    private const string Savepoint = "caller";

    private const int ReaderWaitMilliseconds = 5;

    private readonly Dictionary<Type, DbContext> _contexts = [];
    private readonly Dictionary<DbContext, IGroupCommitListener[]> _listeners = [];
    private readonly HashSet<DbContext> _enlisted = [];
    private DbConnection? _connection;
    private DbTransaction? _transaction;
    private DbCommand? _save;
    private DbCommand? _release;

    /// <summary>Waits for this process's write turn on the file, then begins the group's transaction.</summary>
    public async Task<IDisposable?> EnterWriteTurnAsync(Type contextType, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(contextType, cancellationToken);
        var turn = await SqliteWriteGate.EnterAsync(db, cancellationToken);
        try
        {
            _transaction = await _connection!.BeginTransactionAsync(cancellationToken);
            return turn;
        }
        catch
        {
            turn?.Dispose();
            throw;
        }
    }

    /// <summary>The group's context of <paramref name="contextType"/>, enlisted in the group's transaction.</summary>
    public async Task<DbContext> EnlistAsync(Type contextType, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(contextType, cancellationToken);
        if (db.Database.CurrentTransaction is null)
        {
            await db.Database.UseTransactionAsync(_transaction, cancellationToken);
            _enlisted.Add(db);
        }

        return db;
    }

    // Two statements a caller: kept prepared rather than parsed again each time (DbTransaction.Save does that).
    public Task SaveAsync(CancellationToken cancellationToken) => Run(ref _save, $"SAVEPOINT {Savepoint}", cancellationToken);

    public Task ReleaseAsync(CancellationToken cancellationToken) => Run(ref _release, $"RELEASE {Savepoint}", cancellationToken);

    /// <summary>Undoes what the caller of the current savepoint wrote (SQLite keeps a savepoint after rolling back to
    /// it, hence the release).</summary>
    public async Task RollbackToSavepointAsync(CancellationToken cancellationToken)
    {
        await _transaction!.RollbackAsync(Savepoint, cancellationToken);
        await ReleaseAsync(cancellationToken);
    }

    private Task Run(ref DbCommand? kept, string sql, CancellationToken cancellationToken)
    {
        if (kept is null)
        {
            kept = _connection!.CreateCommand();
            kept.CommandText = sql;
        }

        kept.Transaction = _transaction;
        return kept.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Entities one caller loaded must not leak into the next caller's work.</summary>
    public void ClearTracking()
    {
        foreach (var db in _contexts.Values)
        {
            db.ChangeTracker.Clear();
        }
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await _transaction!.CommitAsync(cancellationToken);
        foreach (var db in _enlisted)
        {
            foreach (var listener in _listeners[db])
            {
                listener.GroupCommitted();
            }
        }

        await EndTransactionAsync();
    }

    /// <summary>
    /// Copies the rest of the WAL back into the database, outside any transaction, while this process's writers wait,
    /// and has the next commit start the WAL over. RESTART waits for readers still reading older frames; a reader
    /// that takes longer than a few milliseconds must not stall every write, so the wait is short and a checkpoint
    /// that meets one simply leaves the restart to a later round.
    /// </summary>
    public async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        await using var command = _connection!.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout={ReaderWaitMilliseconds}";
        await command.ExecuteNonQueryAsync(cancellationToken);
        try
        {
            command.CommandText = "PRAGMA wal_checkpoint(RESTART)";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            command.CommandText = $"PRAGMA busy_timeout={SqlitePragmas.BusyTimeoutMilliseconds}";
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await EndTransactionAsync();
        foreach (var command in new[] { _save, _release })
        {
            if (command is not null)
            {
                await command.DisposeAsync();
            }
        }

        // The context that opened the connection owns it and closes it; the others only borrowed it.
        foreach (var db in _contexts.Values.Reverse())
        {
            await db.DisposeAsync();
        }

        await scope.DisposeAsync();
    }

    private async Task EndTransactionAsync()
    {
        foreach (var db in _enlisted)
        {
            await db.Database.UseTransactionAsync(null);
        }

        _enlisted.Clear();
        if (_transaction is not null)
        {
            await _transaction.DisposeAsync();
            _transaction = null;
        }
    }

    private async Task<DbContext> ContextAsync(Type contextType, CancellationToken cancellationToken)
    {
        if (_contexts.TryGetValue(contextType, out var db))
        {
            return db;
        }

        db = (DbContext)ActivatorUtilities.CreateInstance(scope.ServiceProvider, contextType);
        if (_connection is null)
        {
            // Opened through EF, so the connection gets this process's SQLite settings (busy timeout, synchronous).
            await db.Database.OpenConnectionAsync(cancellationToken);
            _connection = db.Database.GetDbConnection();
        }
        else
        {
            db.Database.SetDbConnection(_connection, contextOwnsConnection: false);
        }

        _contexts.Add(contextType, db);
        _listeners.Add(db, db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors?.OfType<IGroupCommitListener>().ToArray() ?? []);
        return db;
    }
}
