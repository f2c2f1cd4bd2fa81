using System.Data.Common;
using ConcertBooking.Persistence;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ConcertBooking.Messaging.Outbox;

/// <summary>
/// Wakes the outbox relay as soon as a transaction commits, so publishing latency is not a polling interval.
/// Signals coalesce: many commits while the relay is busy cause one more pass, not many.
/// </summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void Notify()
    {
        if (_pending.CurrentCount == 0)
        {
            try
            {
                _pending.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another committer signalled between the check and the release: one wake-up is enough.
            }
        }
    }

    /// <summary>Waits for a commit or the timeout, whichever comes first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _pending.WaitAsync(timeout, cancellationToken);
}

/// <summary>Tells the relay about every commit on the outbox's database: explicit, implicit, or shared.</summary>
internal sealed class OutboxCommitInterceptor(OutboxSignal signal) : DbTransactionInterceptor, ISaveChangesInterceptor, IGroupCommitListener
{
    public void GroupCommitted() => signal.Notify();

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        signal.Notify();
        return Task.CompletedTask;
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => signal.Notify();

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context?.Database.CurrentTransaction is null)
        {
            signal.Notify();
        }

        return ValueTask.FromResult(result);
    }
}
