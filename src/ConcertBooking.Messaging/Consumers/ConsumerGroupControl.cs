using System.Collections.Concurrent;
using Confluent.Kafka;

namespace ConcertBooking.Messaging.Consumers;

public enum GroupRunState
{
    /// <summary>The group's consumer runs in this process (it may still be joining).</summary>
    Running,

    /// <summary>An operator asked it to stop; it is finishing its batch and leaving the group.</summary>
    Pausing,

    /// <summary>Its consumer has left the group and will not start again until resumed.</summary>
    Paused,
}

/// <summary>
/// What an operator can do to a consumer group running in this process: pause it (its consumer finishes the batch in
/// flight, commits and leaves the group, so the other members, if any, take its partitions) and resume it. A paused
/// group is stopped here, which is what an offset reset needs. The consume loop reports its assignment here, so the
/// console shows who reads what.
/// </summary>
public sealed class ConsumerGroupControl(string groupId)
{
    private readonly Lock _lock = new();
    private CancellationTokenSource _pause = new();
    private TaskCompletionSource _resumed = NewSignal(completed: true);
    private TaskCompletionSource _stopped = NewSignal(completed: false);
    private IReadOnlyList<TopicPartition> _assignment = [];

    public string GroupId { get; } = groupId;

    public GroupRunState State { get; private set; } = GroupRunState.Running;

    /// <summary>The consumer's member id in the group, once it joined.</summary>
    public string? MemberId { get; private set; }

    public IReadOnlyList<TopicPartition> Assignment
    {
        get
        {
            lock (_lock)
            {
                return _assignment;
            }
        }
    }

    /// <summary>Asks the consumer to stop and waits until it left the group. False if it did not within
    /// <paramref name="timeout"/> (it is still stopping: the state says Pausing).</summary>
    public async Task<bool> PauseAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task stopped;
        lock (_lock)
        {
            if (State == GroupRunState.Running)
            {
                State = GroupRunState.Pausing;
                _resumed = NewSignal(completed: false);
                _pause.Cancel();
            }

            stopped = _stopped.Task;
        }

        try
        {
            await stopped.WaitAsync(timeout, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Lets the consumer start again (it rejoins the group from the committed offsets).</summary>
    public void Resume()
    {
        lock (_lock)
        {
            if (State == GroupRunState.Running)
            {
                return;
            }

            State = GroupRunState.Running;
            _pause.Dispose();
            _pause = new CancellationTokenSource();
            _stopped = NewSignal(completed: false);
            _resumed.TrySetResult();
        }
    }

    /// <summary>For the worker: waits while paused, then gives the token that ends the next run on a pause.</summary>
    internal async Task<CancellationToken> WaitToRunAsync(CancellationToken stoppingToken)
    {
        Task resumed;
        lock (_lock)
        {
            resumed = _resumed.Task;
        }

        await resumed.WaitAsync(stoppingToken);
        lock (_lock)
        {
            return _pause.Token;
        }
    }

    /// <summary>For the worker: the consumer has closed; a pause asked for is now complete.</summary>
    internal void Stopped()
    {
        lock (_lock)
        {
            MemberId = null;
            _assignment = [];
            if (State == GroupRunState.Pausing)
            {
                State = GroupRunState.Paused;
                _stopped.TrySetResult();
            }
        }
    }

    internal bool PauseRequested
    {
        get
        {
            lock (_lock)
            {
                return State != GroupRunState.Running;
            }
        }
    }

    internal void Assigned(string? memberId, IEnumerable<TopicPartition> partitions)
    {
        lock (_lock)
        {
            MemberId = memberId;
            _assignment = [.. _assignment.Union(partitions).OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition.Value)];
        }
    }

    internal void Revoked(IEnumerable<TopicPartition> partitions)
    {
        lock (_lock)
        {
            _assignment = [.. _assignment.Except(partitions)];
        }
    }

    private static TaskCompletionSource NewSignal(bool completed)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            signal.SetResult();
        }

        return signal;
    }
}

/// <summary>The controls of the consumer groups that run in this process, by group id.</summary>
public sealed class ConsumerGroupControls
{
    private readonly ConcurrentDictionary<string, ConsumerGroupControl> _groups = new(StringComparer.Ordinal);

    internal ConsumerGroupControls(IEnumerable<ConsumerGroupRegistration> groups)
    {
        foreach (var group in groups)
        {
            For(group);
        }
    }

    /// <summary>The group's control, or null when the group does not run in this process.</summary>
    public ConsumerGroupControl? Find(string groupId) => _groups.GetValueOrDefault(groupId);

    /// <summary>A worker started without the registration (a test host's own) gets its control on first use.</summary>
    internal ConsumerGroupControl For(ConsumerGroupRegistration group) =>
        _groups.GetOrAdd(group.GroupId, static id => new ConsumerGroupControl(id));
}
