using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Persistence;

/// <summary>One caller's place in a group commit: its work, and how it learns the outcome.</summary>
internal abstract class GroupedWork
{
    public abstract Type ContextType { get; }

    public abstract bool IsAbandoned { get; }

    public abstract Task RunAsync(GroupWriter writer, CancellationToken cancellationToken);

    /// <summary>The caller's own work failed: its changes are rolled back, the rest of the group goes on.</summary>
    public abstract void Refuse(Exception exception);

    /// <summary>The group committed: hands the caller its result, or the failure its work met.</summary>
    public abstract void Release();

    /// <summary>The group did not commit: nothing of the caller's work remains.</summary>
    public abstract void Fail(Exception exception);
}

internal abstract class GroupedWork<T> : GroupedWork
{
    public abstract Task<T> Task { get; }
}

internal sealed class GroupedWork<TContext, T> : GroupedWork<T>
    where TContext : DbContext
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

    public override Task<T> Task => _completion.Task;

    public override Type ContextType => typeof(TContext);

    public override bool IsAbandoned => _completion.Task.IsCompleted;

    public override async Task RunAsync(GroupWriter writer, CancellationToken cancellationToken)
    {
        _cancellation.Dispose();
        var db = (TContext)await writer.EnlistAsync(typeof(TContext), cancellationToken);
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
