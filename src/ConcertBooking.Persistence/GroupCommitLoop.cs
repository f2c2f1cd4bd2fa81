using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ConcertBooking.Persistence;

/// <summary>The single writer of one database file under <see cref="GroupCommit"/>: takes what is queued, runs it
/// as one group and commits, then the next group.</summary>
internal sealed class GroupCommitLoop
{
    private readonly Channel<GroupedWork> _queue = Channel.CreateUnbounded<GroupedWork>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IServiceScopeFactory _scopes;
    private readonly CancellationToken _stopping;
    private readonly ILogger _logger;
    private int _checkpointToFinish;

    public GroupCommitLoop(IServiceScopeFactory scopes, CancellationToken stopping, ILogger logger)
    {
        (_scopes, _stopping, _logger) = (scopes, stopping, logger);

        // The loop belongs to no request: it must not keep the first caller's trace or logging scope.
        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(LoopAsync, CancellationToken.None);
        }
    }

    /// <summary>
    /// A checkpoint beside the writer has copied most of the WAL back into the database; the writer finishes it after
    /// its next commit. SQLite starts the WAL over from its beginning only when a write transaction begins with every
    /// frame copied back and no reader on an older one, which a writer that never pauses never sees: the WAL then
    /// grows without end (240 MB in a 30-second benchmark) and every commit extends the file, which made commits twice
    /// as slow.
    /// </summary>
    public void FinishCheckpoint() => Volatile.Write(ref _checkpointToFinish, 1);

    public Task<T> RunAsync<T>(GroupedWork<T> item)
    {
        if (!_queue.Writer.TryWrite(item))
        {
            item.Fail(new OperationCanceledException("The application is stopping."));
        }

        return item.Task;
    }

    private async Task LoopAsync()
    {
        var group = new List<GroupedWork>(GroupCommit.MaxGroupSize);
        GroupWriter? writer = null;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stopping))
            {
                group.Clear();
                while (group.Count < GroupCommit.MaxGroupSize && _queue.Reader.TryRead(out var item))
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

                // One connection and one context per type for every group: the page cache stays warm between groups.
                writer ??= new GroupWriter(_scopes.CreateAsyncScope());
                if (!await CommitGroupAsync(writer, group))
                {
                    await writer.DisposeAsync();
                    writer = null;
                }
                else if (Interlocked.Exchange(ref _checkpointToFinish, 0) == 1)
                {
                    await FinishCheckpointAsync(writer);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        finally
        {
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var left))
            {
                left.Fail(new OperationCanceledException("The application is stopping."));
            }

            if (writer is not null)
            {
                await DisposeQuietlyAsync(writer);
            }
        }
    }

    // After the group's callers have their answers: the checkpoint is no part of their work, and its failure is not theirs.
    private async Task FinishCheckpointAsync(GroupWriter writer)
    {
        try
        {
            await writer.CheckpointAsync(_stopping);
        }
        catch (Exception ex) when (!_stopping.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "Finishing a checkpoint on the group commit's connection failed; the next one tries again");
        }
    }

    // After the application has stopped the container may already be tearing down what the writer holds.
    private async Task DisposeQuietlyAsync(GroupWriter writer)
    {
        try
        {
            await writer.DisposeAsync();
        }
        catch (Exception ex)
        {
            _logger.LogDebug(ex, "Closing the group commit's writer at shutdown failed");
        }
    }

    /// <summary>Runs and commits one group; false when it failed and the writer should not be used again.</summary>
    private async Task<bool> CommitGroupAsync(GroupWriter writer, List<GroupedWork> group)
    {
        try
        {
            using var writeTurn = await writer.EnterWriteTurnAsync(group[0].ContextType, _stopping);
            for (var next = 0; next < group.Count; next++)
            {
                await RunInSavepointAsync(writer, group[next]);

                // Callers that arrived while the group ran join it before it commits, rather than wait for this
                // commit and then for a turn and a commit of their own.
                if (next == group.Count - 1 && group.Count < GroupCommit.MaxGroupSize && _queue.Reader.TryRead(out var late) && !late.IsAbandoned)
                {
                    group.Add(late);
                }
            }

            await writer.CommitAsync(_stopping);
        }
        catch (Exception ex)
        {
            if (!_stopping.IsCancellationRequested)
            {
                _logger.LogError(ex, "A group of {Count} write transactions failed to commit; each caller gets the failure", group.Count);
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

    private async Task RunInSavepointAsync(GroupWriter writer, GroupedWork item)
    {
        if (item.IsAbandoned)
        {
            return;
        }

        await writer.SaveAsync(_stopping);
        try
        {
            // The group's token, not the caller's: cancelling a command interrupts the whole shared connection.
            await item.RunAsync(writer, _stopping);
            await writer.ReleaseAsync(_stopping);
        }
        catch (Exception refused) when (!_stopping.IsCancellationRequested)
        {
            await writer.RollbackToSavepointAsync(_stopping);
            item.Refuse(refused);
        }
        finally
        {
            writer.ClearTracking();
        }
    }
}
