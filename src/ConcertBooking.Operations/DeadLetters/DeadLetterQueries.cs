using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Operations.DeadLetters;

/// <summary>The dead letters now on their topics, each with the state operators gave it.</summary>
public sealed class DeadLetterQueries(DeadLetterReader reader, OperationsDbContext db)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>Newest first, at most <paramref name="limit"/>.</summary>
    public async Task<DeadLetterPage> ListAsync(
        DeadLetterFilter filter, DeadLetterState? state, int limit, CancellationToken cancellationToken)
    {
        var letters = await ReadAsync(filter, cancellationToken);
        var items = letters
            .Where(l => state is null || l.State == state)
            .OrderByDescending(l => l.Record.TimestampMs).ThenBy(l => l.Record.View.Topic, StringComparer.Ordinal)
            .ThenByDescending(l => l.Record.View.Offset)
            .Take(limit)
            .Select(ToItem)
            .ToList();
        return new DeadLetterPage(items);
    }

    /// <summary>Every dead letter the filter matches, with its state.</summary>
    internal async Task<IReadOnlyList<MarkedDeadLetter>> ReadAsync(DeadLetterFilter filter, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> topics = filter.Topic is null ? DeadLetterReader.Topics : [filter.Topic];
        var records = (await reader.ReadAsync(topics, cancellationToken)).Where(filter.Matches).ToList();
        var marks = (await db.DeadLetterMarks.AsNoTracking().Where(m => topics.Contains(m.Topic)).ToListAsync(cancellationToken))
            .ToDictionary(m => (m.Topic, m.Partition, m.Offset, m.TimestampMs));
        return records
            .Select(r => new MarkedDeadLetter(r, marks.GetValueOrDefault((r.View.Topic, r.View.Partition, r.View.Offset, r.TimestampMs))))
            .ToList();
    }

    private static DeadLetterItem ToItem(MarkedDeadLetter letter)
    {
        var (record, mark) = (letter.Record, letter.Mark);
        var view = record.View;
        return new DeadLetterItem(
            view.Topic, view.Partition, view.Offset, view.Timestamp, view.Key, record.EventType, record.EventId, view.Value, view.Headers,
            record.Failure, letter.State, mark?.At, mark?.By);
    }
}

/// <summary>A dead letter and the operators' decision about it, if any.</summary>
internal sealed record MarkedDeadLetter(DeadLetterRecord Record, DeadLetterMark? Mark)
{
    public DeadLetterState State => Mark?.State ?? DeadLetterState.Parked;
}
