using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Persistence;

/// <summary>Whose write waits first when several are queued for SQLite's one writer.</summary>
public enum WritePriority
{
    /// <summary>Requests a user is waiting for: bookings, payments, the relay's records.</summary>
    Foreground,

    /// <summary>Consumer groups' batches. Waiting longer only makes their next batch larger, which costs less
    /// write time per event, so under load bookings keep the writer and the groups catch up in bigger steps.</summary>
    Background,
}

/// <summary>
/// Queues this process's SQLite write transactions (the API's requests, the relay's and every consumer group's), one database file at a time. SQLite admits one writer per file: a
/// second <c>BEGIN IMMEDIATE</c> meets SQLITE_BUSY, and the busy handler retries it by sleeping on the calling thread.
/// With dozens of concurrent requests that parks thread-pool threads in sleeps and hands the lock out at random, so
/// latency explodes. Waiting here instead is asynchronous and first come, first served within a priority. It is a
/// queue, not the guard: the conditional updates and the unique index still decide who gets a seat, and writers in
/// other processes still meet <c>busy_timeout</c>. On PostgreSQL it does nothing.
/// </summary>
public static class SqliteWriteGate
{
    private static readonly ConcurrentDictionary<string, Gate> Gates = new(StringComparer.Ordinal);

    /// <summary>Waits for this process's turn to write to <paramref name="db"/>'s SQLite file; dispose the result to
    /// pass the turn on. Returns null (nothing to wait for) on other providers.</summary>
    public static async Task<IDisposable?> EnterAsync(DbContext db, CancellationToken cancellationToken, WritePriority priority = WritePriority.Foreground)
    {
        if (!db.Database.IsSqlite())
        {
            return null;
        }

        var gate = Gates.GetOrAdd(db.Database.GetConnectionString() ?? string.Empty, _ => new Gate());
        await gate.WaitAsync(priority, cancellationToken);
        return new Turn(gate);
    }

    private sealed class Gate
    {
        private readonly Lock _lock = new();
        private readonly LinkedList<TaskCompletionSource> _foreground = [];
        private readonly LinkedList<TaskCompletionSource> _background = [];
        private bool _held;

        public async Task WaitAsync(WritePriority priority, CancellationToken cancellationToken)
        {
            TaskCompletionSource waiter;
            LinkedListNode<TaskCompletionSource> node;
            lock (_lock)
            {
                if (!_held)
                {
                    _held = true;
                    return;
                }

                waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                node = (priority == WritePriority.Foreground ? _foreground : _background).AddLast(waiter);
            }

            await using var cancellation = cancellationToken.Register(() =>
            {
                lock (_lock)
                {
                    if (node.List is null)
                    {
                        return; // Already handed the turn: it is the caller's to pass on.
                    }

                    node.List.Remove(node);
                }

                waiter.TrySetCanceled(cancellationToken);
            });
            await waiter.Task;
        }

        public void Release()
        {
            TaskCompletionSource? next;
            lock (_lock)
            {
                var queue = _foreground.Count > 0 ? _foreground : _background.Count > 0 ? _background : null;
                if (queue is null)
                {
                    _held = false;
                    return;
                }

                next = queue.First!.Value;
                queue.RemoveFirst();
            }

            next.SetResult();
        }
    }

    private sealed class Turn(Gate gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
