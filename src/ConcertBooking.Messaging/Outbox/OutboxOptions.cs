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

    /// <summary>Embedded mode: how long publishing pauses while a partition's unread backlog is too large.</summary>
    public TimeSpan BackpressureWait { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Embedded mode: how often to look for groups whose unread records the cluster dropped.</summary>
    public TimeSpan GapCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a relay's publishing lease lasts without renewal before another process takes over.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);
}
