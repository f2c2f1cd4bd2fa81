using ConcertBooking.Messaging.Outbox;
using ConcertBooking.Operations.Audit;
using ConcertBooking.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Operations.DeadLetters;

/// <summary>
/// Redrives or discards dead letters, each action audited in the transaction that records the records' new state.
/// A redrive puts one copy of each failed event back on its original topic (see <see cref="Redriver"/>); the state
/// row is the claim, so two operators acting at once cannot both redrive the same record.
/// </summary>
public sealed partial class DeadLetterActions(
    DeadLetterQueries queries,
    Redriver redriver,
    OperationsDbContext db,
    AuditLog audit,
    IOptions<OutboxOptions> outbox,
    TimeProvider clock,
    ILogger<DeadLetterActions> logger)
{
    public const string RedriveAction = "dead-letters.redrive";
    public const string DiscardAction = "dead-letters.discard";

    public Task<DeadLetterOutcome> RedriveAsync(DeadLetterSelection selection, string by, CancellationToken cancellationToken) =>
        ActAsync(selection, by, DeadLetterState.Redriven, cancellationToken);

    public Task<DeadLetterOutcome> DiscardAsync(DeadLetterSelection selection, string by, CancellationToken cancellationToken) =>
        ActAsync(selection, by, DeadLetterState.Discarded, cancellationToken);

    private async Task<DeadLetterOutcome> ActAsync(DeadLetterSelection selection, string by, DeadLetterState target, CancellationToken cancellationToken)
    {
        var filter = selection.Filter ?? new DeadLetterFilter(null, null, null);
        var letters = await queries.ReadAsync(selection.Records is null ? filter : new DeadLetterFilter(null, null, null), cancellationToken);
        var now = clock.GetUtcNow();

        // Past the processed-event retention, the groups that handled the event may have forgotten it: a redrive
        // would make them apply it twice.
        var oldest = now - outbox.Value.Retention;
        bool TooOld(DeadLetterRecord r) =>
            target == DeadLetterState.Redriven && (r.Failure.FailedAt ?? DateTimeOffset.FromUnixTimeMilliseconds(r.TimestampMs)) < oldest;

        List<DeadLetterRecord> chosen;
        var skipped = 0;
        if (selection.Records is { } refs)
        {
            var byPosition = letters.ToDictionary(l => (l.Record.View.Topic, l.Record.View.Partition, l.Record.View.Offset));
            var missing = refs.Where(r => !byPosition.ContainsKey((r.Topic, r.Partition, r.Offset))).Select(r => r.ToString()).ToList();
            if (missing.Count > 0)
            {
                return new DeadLetterOutcome(0, 0, 0, missing, []);
            }

            var found = refs.Distinct().Select(r => byPosition[(r.Topic, r.Partition, r.Offset)]).ToList();
            var refused = found.Where(l => l.State != DeadLetterState.Parked || TooOld(l.Record)).Select(l => l.Record.Position).ToList();
            if (refused.Count > 0)
            {
                return new DeadLetterOutcome(0, 0, 0, [], refused);
            }

            chosen = found.Select(l => l.Record).ToList();
        }
        else
        {
            var parked = letters.Where(l => l.State == DeadLetterState.Parked).Select(l => l.Record).ToList();
            chosen = parked.Where(r => !TooOld(r)).ToList();
            skipped = parked.Count - chosen.Count;
        }

        if (chosen.Count == 0)
        {
            return DeadLetterOutcome.Done(0, 0, skipped);
        }

        try
        {
            var published = await db.InTransactionAsync(
                async ct =>
                {
                    db.DeadLetterMarks.AddRange(chosen.Select(r => new DeadLetterMark
                    {
                        Topic = r.View.Topic, Partition = r.View.Partition, Offset = r.View.Offset, TimestampMs = r.TimestampMs,
                        State = target, At = now, By = by,
                    }));
                    var action = target == DeadLetterState.Redriven ? RedriveAction : DiscardAction;
                    audit.Record(by, action, selection.Describe(), $"{chosen.Count} record(s): {string.Join(", ", chosen.Select(r => r.Position))}");
                    await db.SaveChangesAsync(ct);

                    // Published before the commit: if Kafka refuses, nothing is marked and the action can be repeated.
                    // If the commit fails after publishing, a repeat publishes again, which the groups skip by eventId.
                    return target == DeadLetterState.Redriven ? await redriver.RedriveAsync(chosen, ct) : 0;
                },
                cancellationToken);
            LogActed(by, target, chosen.Count, selection.Describe());
            return DeadLetterOutcome.Done(chosen.Count, published, skipped);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            // Another operator acted on one of these records in the meantime.
            db.ChangeTracker.Clear();
            return new DeadLetterOutcome(0, 0, 0, [], chosen.Select(r => r.Position).ToList());
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{By} set {Count} dead letter(s) to {State}: {Selection}")]
    private partial void LogActed(string by, DeadLetterState state, int count, string selection);
}
