using System.ComponentModel.DataAnnotations;

namespace ConcertBooking.Messaging.Outbox;

public sealed class OutboxOptions
{
    public const string SectionName = "Kafka:Outbox";

    /// <summary>Rows read and published per round trip.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 2000;

    /// <summary>Backstop poll when no commit signal arrives (e.g. rows written by another process).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MinBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Embedded mode: keep new rows in the outbox while any partition's unread backlog nears the mock cluster's
    /// per-partition cap. Off by default: it paces every group to the slowest one, whereas lagging groups repair
    /// their own gaps from the outbox and the others go on at full speed.
    /// </summary>
    public bool HoldBackWhenLagging { get; set; }

    /// <summary>Embedded mode: how long publishing pauses while held back.</summary>
    public TimeSpan BackpressureWait { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long sent events stay in the outbox (and their processed-event records) once every group that
    /// reads their topic has processed them: the outbox is the replay source for lagging groups and embedded
    /// restarts, and the records recognise redeliveries, so this matches Kafka's default retention.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often rows past <see cref="Retention"/> are deleted.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a relay's publishing lease lasts without renewal before another process takes over.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);
}
