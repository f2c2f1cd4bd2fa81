using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Infrastructure.Persistence;

/// <summary>
/// Queues this process's SQLite write transactions (the API's requests, the relay's and every consumer group's), one database file at a time. SQLite admits one writer per file: a
/// second <c>BEGIN IMMEDIATE</c> meets SQLITE_BUSY, and the busy handler retries it by sleeping on the calling thread.
/// With dozens of concurrent requests that parks thread-pool threads in sleeps and hands the lock out at random, so
/// latency explodes. Waiting here instead is asynchronous and first come, first served. It is a queue, not the guard:
/// the conditional updates and the unique index still decide who gets a seat, and writers in other processes still
/// meet <c>busy_timeout</c>. On PostgreSQL it does nothing.
/// </summary>
public static class SqliteWriteGate
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    /// <summary>Waits for this process's turn to write to <paramref name="db"/>'s SQLite file; dispose the result to
    /// pass the turn on. Returns null (nothing to wait for) on other providers.</summary>
    public static async Task<IDisposable?> EnterAsync(DbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite())
        {
            return null;
        }

        var gate = Gates.GetOrAdd(db.Database.GetConnectionString() ?? string.Empty, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Turn(gate);
    }

    private sealed class Turn(SemaphoreSlim gate) : IDisposable
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
