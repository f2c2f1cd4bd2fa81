using ConcertBooking.Contracts;

namespace ConcertBooking.DataPlatform.Analytics;

/// <summary>
/// A concert's waiting room in one UTC minute of event time: fans who joined, fans let in (and how long they had
/// waited), fans still waiting when the queue closed. Counts only, so the queue's length at any minute is a running
/// sum over the minutes before it, the same whatever order the events arrived in.
/// </summary>
public sealed class QueueMinute
{
    public required long ConcertId { get; init; }

    /// <summary>Start of the UTC minute.</summary>
    public required DateTimeOffset MinuteStart { get; init; }

    public long Joined { get; init; }

    public long Admitted { get; init; }

    /// <summary>Fans still waiting when the concert sold out and the queue closed.</summary>
    public long ClosedOut { get; init; }

    /// <summary>Sum of the admitted fans' waits.</summary>
    public double WaitSeconds { get; init; }

    /// <summary>The longest wait of a fan admitted in this minute; 0 when none was.</summary>
    public double MaxWaitSeconds { get; init; }

    public static DateTimeOffset MinuteOf(DateTimeOffset time)
    {
        var ticks = time.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
    }

    /// <summary>What one queue event adds to its minute; null for other events.</summary>
    public static QueueMinute? Of(IntegrationEvent @event) => @event switch
    {
        QueueJoined e => new() { ConcertId = e.ConcertId, MinuteStart = MinuteOf(e.OccurredAt), Joined = 1 },
        FanAdmitted e => new()
        {
            ConcertId = e.ConcertId, MinuteStart = MinuteOf(e.OccurredAt), Admitted = 1, WaitSeconds = e.WaitedSeconds, MaxWaitSeconds = e.WaitedSeconds,
        },
        QueueClosed e => new() { ConcertId = e.ConcertId, MinuteStart = MinuteOf(e.OccurredAt), ClosedOut = e.WaitingUserIds.Count },
        _ => null,
    };

    /// <summary>Folds the minutes of many events into one row per concert and minute.</summary>
    public static IEnumerable<QueueMinute> Sum(IEnumerable<QueueMinute> minutes) =>
        minutes.GroupBy(m => (m.ConcertId, m.MinuteStart)).Select(g => new QueueMinute
        {
            ConcertId = g.Key.ConcertId,
            MinuteStart = g.Key.MinuteStart,
            Joined = g.Sum(m => m.Joined),
            Admitted = g.Sum(m => m.Admitted),
            ClosedOut = g.Sum(m => m.ClosedOut),
            WaitSeconds = g.Sum(m => m.WaitSeconds),
            MaxWaitSeconds = g.Max(m => m.MaxWaitSeconds),
        });
}
