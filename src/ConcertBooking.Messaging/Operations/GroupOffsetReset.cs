using ConcertBooking.Messaging.Consumers;
using Confluent.Kafka;

namespace ConcertBooking.Messaging.Operations;

public enum OffsetResetTarget
{
    Earliest,
    Latest,
    Timestamp,
}

public enum OffsetResetOutcome
{
    Reset,
    UnknownGroup,
    NotLocal,
    Running,
    Refused,
}

public sealed record OffsetResetResult(OffsetResetOutcome Outcome, IReadOnlyList<GroupPartition> Offsets, string? Detail = null);

/// <summary>
/// Moves a stopped group's committed offsets to the start, the end, or the first record at or after a time, per
/// partition. The group must be paused in this process, so no member of ours commits over the reset; a member in
/// another process makes the cluster refuse the commit, and the reset says so.
/// </summary>
public sealed class GroupOffsetReset(
    OperatorKafkaClients clients,
    GroupQueries queries,
    IEnumerable<ConsumerGroupSubscription> groups,
    ConsumerGroupControls controls,
    KafkaConnection connection)
{
    public async Task<OffsetResetResult> ResetAsync(string groupId, OffsetResetTarget target, DateTimeOffset? at, CancellationToken cancellationToken)
    {
        var group = groups.FirstOrDefault(g => g.GroupId == groupId);
        if (group is null)
        {
            return new(OffsetResetOutcome.UnknownGroup, []);
        }

        if (controls.Find(groupId) is not { } control)
        {
            return new(OffsetResetOutcome.NotLocal, []);
        }

        if (control.State != GroupRunState.Paused)
        {
            return new(OffsetResetOutcome.Running, []);
        }

        var partitions = await queries.TopicPartitionsAsync(group.Topics, cancellationToken);
        var offsets = await clients.WithProbeAsync(
            probe => partitions.Select(p => new TopicPartitionOffset(p, TargetOffset(probe, p, target, at))).ToList(),
            cancellationToken);
        try
        {
            await Task.Run(() => Commit(groupId, offsets), cancellationToken);
        }
        catch (KafkaException ex)
        {
            return new(OffsetResetOutcome.Refused, [], $"The cluster refused the commit ({ex.Error.Code}: {ex.Error.Reason}); is the group running in another process?");
        }

        var view = await queries.FindAsync(groupId, cancellationToken);
        return new(OffsetResetOutcome.Reset, view?.Partitions ?? []);
    }

    private void Commit(string groupId, IReadOnlyList<TopicPartitionOffset> offsets)
    {
        // A consumer that never subscribes commits as a "simple" consumer, which a real broker accepts for a group
        // without members (as kafka-consumer-groups --reset-offsets does).
        var config = connection.ConsumerConfig(groupId);
        config.EnableAutoCommit = false;
        using var committer = new ConsumerBuilder<Ignore, Ignore>(config).SetLogHandler(static (_, _) => { }).Build();
        try
        {
            committer.Commit(offsets);
        }
        catch (KafkaException ex) when (ex.Error.Code == ErrorCode.UnknownMemberId)
        {
            // librdkafka's mock cluster accepts commits from members only, so join the empty group and commit as
            // its only member.
            CommitAsMember(groupId, offsets);
        }
        finally
        {
            committer.Close();
        }
    }

    private void CommitAsMember(string groupId, IReadOnlyList<TopicPartitionOffset> offsets)
    {
        var config = connection.ConsumerConfig(groupId);
        config.EnableAutoCommit = false;
        config.EnableAutoOffsetStore = false;

        // The members that just left started a rebalance that ends about one of their session timeouts later.
        var joinTimeout = TimeSpan.FromMilliseconds(config.SessionTimeoutMs ?? 45_000) + TimeSpan.FromSeconds(15);
        using var member = new ConsumerBuilder<Ignore, Ignore>(config).SetLogHandler(static (_, _) => { }).Build();
        member.Subscribe(offsets.Select(o => o.Topic).Distinct());
        var wanted = offsets.Select(o => o.TopicPartition).ToHashSet();
        var deadline = DateTime.UtcNow + joinTimeout;
        while (!wanted.IsSubsetOf(member.Assignment))
        {
            if (DateTime.UtcNow > deadline)
            {
                var got = member.Assignment.Count;
                member.Close();
                throw new KafkaException(new Error(ErrorCode.RebalanceInProgress,
                    $"got {got} of the group's {wanted.Count} partitions within {joinTimeout.TotalSeconds} s (another member holds the rest)"));
            }

            member.Consume(TimeSpan.FromMilliseconds(200));
        }

        member.Commit(offsets);
        member.Close();
    }

    private static long TargetOffset(IConsumer<string?, byte[]?> probe, TopicPartition partition, OffsetResetTarget target, DateTimeOffset? at)
    {
        var watermarks = probe.QueryWatermarkOffsets(partition, OperatorKafkaClients.Timeout);
        long low = watermarks.Low.Value, high = watermarks.High.Value;
        return target switch
        {
            OffsetResetTarget.Earliest => low,
            OffsetResetTarget.Latest => high,
            _ => FirstAtOrAfter(probe, partition, at ?? throw new ArgumentNullException(nameof(at)), low, high),
        };
    }

    /// <summary>The first offset whose record is at or after <paramref name="at"/> (the high watermark when none is).
    /// Kafka's time index answers this on a real broker; the embedded cluster answers no time at all, so a binary
    /// search over the records' own timestamps (which a partition's producer writes in order) stands in.</summary>
    private static long FirstAtOrAfter(IConsumer<string?, byte[]?> probe, TopicPartition partition, DateTimeOffset at, long low, long high)
    {
        var found = probe.OffsetsForTimes([new TopicPartitionTimestamp(partition, new Timestamp(at))], OperatorKafkaClients.Timeout);
        if (found.FirstOrDefault() is { Offset.IsSpecial: false } indexed)
        {
            return indexed.Offset.Value;
        }

        long first = low, last = high;
        while (first < last)
        {
            var middle = first + ((last - first) / 2);
            var timestamp = OperatorKafkaClients.TimestampAt(probe, partition, middle);
            if (timestamp is null || timestamp >= at)
            {
                last = middle;
            }
            else
            {
                first = middle + 1;
            }
        }

        return first;
    }
}
