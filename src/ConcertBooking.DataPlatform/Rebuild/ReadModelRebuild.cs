using ConcertBooking.Contracts;
using ConcertBooking.DataPlatform.Archive;
using ConcertBooking.Persistence;
using ConcertBooking.Messaging.Consumers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ConcertBooking.DataPlatform.Rebuild;

public enum RebuildOutcome
{
    Rebuilt,
    UnknownGroup,
    NotRebuildable,
    ArchiveBehind,
}

/// <summary>
/// <c>source</c> is <c>kafka</c> when every event came from the cluster, <c>archive</c> when Kafka could not be read
/// back (<c>fallbackReason</c> says why), and <c>kafka+archive</c> when the archive supplied events the cluster no
/// longer holds.
/// </summary>
public sealed record RebuildSummary(
    string Group,
    DateTimeOffset From,
    int EventsReplayed,
    string Source,
    int FromKafka,
    int FromArchive,
    string? FallbackReason);

public sealed record RebuildResult(RebuildOutcome Outcome, RebuildSummary? Summary = null, string? Detail = null);

/// <summary>
/// Point-in-time rebuild (seed 5.2): a group's read models are emptied and fed every event of its topics that
/// occurred at or after <c>from</c>, so they become what the group would have built had it started consuming then;
/// from before the first event, that is exactly what it built live. The events come from Kafka (offsets for the
/// timestamp), and from the archive wherever the cluster no longer holds them or cannot be read back.
/// <para>
/// Reading Kafka happens first; the reset and the replay then run in one transaction that also marks every replayed
/// event processed by the group, while the group's live handler waits: it finds afterwards exactly the events the
/// rebuild did not apply, so none is lost or counted twice.
/// </para>
/// </summary>
public sealed partial class ReadModelRebuild(
    IServiceProvider services,
    IEnumerable<ConsumerGroupSubscription> groups,
    DataPlatformDbContext archive,
    KafkaReplayReader kafka,
    UpcastDefaults upcast,
    TimeProvider clock,
    ILogger<ReadModelRebuild> logger)
{
    private const int ChunkSize = 1000;

    public async Task<RebuildResult> RunAsync(string groupId, DateTimeOffset from, CancellationToken cancellationToken)
    {
        var group = groups.FirstOrDefault(g => g.GroupId == groupId);
        if (group is null)
        {
            return new(RebuildOutcome.UnknownGroup);
        }

        var rebuilder = services.GetKeyedService<IReadModelRebuilder>(groupId);
        if (rebuilder is null)
        {
            return new(RebuildOutcome.NotRebuildable);
        }

        var replay = await kafka.ReadAsync(group.Topics, from, cancellationToken);
        var db = rebuilder.Db;
        try
        {
            var summary = await db.InTransactionAsync(ct => ReplayAsync(rebuilder, group, from, replay, ct), cancellationToken);
            LogRebuilt(summary.Group, summary.From, summary.EventsReplayed, summary.FromKafka, summary.FromArchive, summary.FallbackReason);
            return new(RebuildOutcome.Rebuilt, summary);
        }
        catch (ArchiveBehindException ex)
        {
            return new(RebuildOutcome.ArchiveBehind, Detail: ex.Message);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    private async Task<RebuildSummary> ReplayAsync(
        IReadModelRebuilder rebuilder, ConsumerGroupSubscription group, DateTimeOffset from, KafkaReplay replay, CancellationToken cancellationToken)
    {
        await rebuilder.ResetAsync(cancellationToken);

        // Read under the reset's lock: nothing the group processes from here on can be missing from the replay.
        var db = rebuilder.Db;
        var processed = (await db.Set<ProcessedEvent>()
            .Where(p => p.GroupId == group.GroupId && p.OccurredAt >= from)
            .Select(p => p.EventId)
            .ToListAsync(cancellationToken)).ToHashSet();
        var replayed = new HashSet<Guid>();

        foreach (var chunk in replay.Events.Chunk(ChunkSize))
        {
            await ApplyAsync(rebuilder, group.GroupId, chunk, processed, replayed, cancellationToken);
        }

        var fromKafka = replayed.Count;

        // Whatever Kafka did not give back: records past their retention (or the embedded cluster's 5 MiB cap), a
        // cluster restarted empty, or all of it when Kafka could not be read.
        var topics = group.Topics.ToList();
        for (long after = 0; ;)
        {
            var page = await archive.ArchivedEvents.AsNoTracking()
                .Where(a => a.Sequence > after && a.OccurredAt >= from && topics.Contains(a.Topic))
                .OrderBy(a => a.Sequence)
                .Take(ChunkSize)
                .ToListAsync(cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            after = page[^1].Sequence;
            var missing = page.Where(a => !replayed.Contains(a.EventId)).Select(a => a.ToConsumedEvent(upcast)).ToList();
            await ApplyAsync(rebuilder, group.GroupId, missing, processed, replayed, cancellationToken);
        }

        var lost = processed.Count(id => !replayed.Contains(id));
        if (lost > 0)
        {
            // Only possible for another group: the data platform archives an event in the transaction that marks
            // it processed. Committing now would silently drop what that group had applied.
            throw new ArchiveBehindException(
                $"Events {group.GroupId} processed are neither on the cluster nor archived yet ({lost} of them); retry when the data platform has caught up.");
        }

        var fromArchive = replayed.Count - fromKafka;
        return new RebuildSummary(
            group.GroupId,
            from,
            replayed.Count,
            !replay.Succeeded ? "archive" : fromArchive > 0 ? "kafka+archive" : "kafka",
            fromKafka,
            fromArchive,
            replay.Failure ?? (fromArchive > 0 ? $"The cluster no longer holds {fromArchive} of the events." : null));
    }

    private async Task ApplyAsync(
        IReadModelRebuilder rebuilder,
        string groupId,
        IReadOnlyList<ConsumedEvent> events,
        HashSet<Guid> processed,
        HashSet<Guid> replayed,
        CancellationToken cancellationToken)
    {
        var fresh = events.Where(e => replayed.Add(e.EventId)).ToList();
        if (fresh.Count == 0)
        {
            return;
        }

        await rebuilder.ApplyAsync(fresh, cancellationToken);

        // The live consumer must not apply these a second time when it reaches them.
        var now = clock.GetUtcNow();
        rebuilder.Db.Set<ProcessedEvent>().AddRange(fresh.Where(e => processed.Add(e.EventId)).Select(e => ProcessedEvent.Of(groupId, e, now)));
        await rebuilder.Db.SaveChangesAsync(cancellationToken);
        rebuilder.Db.ChangeTracker.Clear();
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Rebuilt the read models of {GroupId} from {From}: {Events} events, {FromKafka} from Kafka, {FromArchive} from the archive ({FallbackReason})")]
    private partial void LogRebuilt(string groupId, DateTimeOffset from, int events, int fromKafka, int fromArchive, string? fallbackReason);

    private sealed class ArchiveBehindException(string message) : Exception(message);
}
