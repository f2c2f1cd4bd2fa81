using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Persistence;

public static class TransactionExtensions
{
    /// <summary>
    /// Runs <paramref name="work"/> in a transaction, joining the caller's if there is one (the idempotency layer
    /// wraps a use case and its stored response in one transaction). On SQLite the transaction begins IMMEDIATE,
    /// taking the write lock up front, so what it reads cannot change before it writes; it first waits its turn among
    /// this process's writers (<see cref="SqliteWriteGate"/>) so they queue instead of spinning on the lock.
    /// </summary>
    public static async Task<T> InTransactionAsync<T>(
        this DbContext db, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken,
        WritePriority priority = WritePriority.Foreground)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            return await work(cancellationToken);
        }

        using var writeTurn = await SqliteWriteGate.EnterAsync(db, cancellationToken, priority);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await work(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }
}
