using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConcertBooking.Messaging.Consumers;

/// <summary>
/// That a group has applied an event. Written in the same transaction as the group's own writes, so a redelivered
/// event is recognised and changes nothing: at-least-once delivery, exactly-once effects.
/// </summary>
public sealed class ProcessedEvent
{
    public required string GroupId { get; init; }

    public required Guid EventId { get; init; }

    public required string EventType { get; init; }

    public required string Topic { get; init; }

    public required int Partition { get; init; }

    public required long Offset { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required DateTimeOffset ProcessedAt { get; init; }

    public static ProcessedEvent Of(string groupId, ConsumedEvent consumed, DateTimeOffset processedAt) => new()
    {
        GroupId = groupId,
        EventId = consumed.EventId,
        EventType = consumed.EventType,
        Topic = consumed.Topic,
        Partition = consumed.Partition,
        Offset = consumed.Offset,
        OccurredAt = consumed.OccurredAt,
        ProcessedAt = processedAt,
    };
}

public static class ProcessedEventModel
{
    /// <summary>Maps the processed-events table into a service's own context, so a group's writes and its records of
    /// what it processed commit together.</summary>
    public static ModelBuilder AddProcessedEvents(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ProcessedEvent>(Configure);
        return modelBuilder;
    }

    private static void Configure(EntityTypeBuilder<ProcessedEvent> processed)
    {
        processed.ToTable("ProcessedEvents");
        processed.HasKey(p => new { p.GroupId, p.EventId });
        processed.Property(p => p.GroupId).HasMaxLength(100);
        processed.Property(p => p.EventType).HasMaxLength(50);
        processed.Property(p => p.Topic).HasMaxLength(200);
        processed.HasIndex(p => new { p.GroupId, p.ProcessedAt });
    }
}
