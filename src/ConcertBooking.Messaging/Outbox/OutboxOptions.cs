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

    /// <summary>How long publishing pauses while an <see cref="IPublishPacer"/> holds it back.</summary>
    public TimeSpan PacingWait { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long sent events stay in the outbox, and groups' records of processed events: as long as Kafka
    /// keeps the events by default, so a redelivery is always recognised and a replay source exists for the
    /// whole retention.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often rows past <see cref="Retention"/> are deleted.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a relay's publishing lease lasts without renewal before another process takes over.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);
}
