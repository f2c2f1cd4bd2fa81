using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using ConcertBooking.Contracts;
using ConcertBooking.Messaging.Consumers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConcertBooking.Messaging.Outbox;

/// <summary>
/// An event waiting to be published, written in the same transaction as the change it describes.
/// <see cref="Id"/> is the commit order the relay publishes in.
/// </summary>
public sealed class OutboxMessage
{
    private OutboxMessage()
    {
        Topic = null!;
        Key = null!;
        EventType = null!;
        Payload = null!;
    }

    public long Id { get; private set; }

    public Guid EventId { get; private set; }

    public string Topic { get; private set; }

    public string Key { get; private set; }

    public string EventType { get; private set; }

    public string Payload { get; private set; }

    public DateTimeOffset OccurredAt { get; private set; }

    /// <summary>W3C trace context of the request that caused the event, carried to the consumers as a header.</summary>
    public string? TraceParent { get; private set; }

    public DateTimeOffset? SentAt { get; private set; }

    /// <summary>The record the relay publishes: key, the JSON as committed, and the headers that name the event.
    /// <paramref name="traceParent"/> (the span of its publishing) replaces the committing request's trace context.
    /// The schema version header is read from the JSON itself, so a row committed by an older release (at an older
    /// version) is labelled as what it is.</summary>
    public Message<string, byte[]> ToKafkaMessage(string? traceParent = null)
    {
        var value = Encoding.UTF8.GetBytes(Payload);
        return new()
        {
            Key = Key,
            Value = value,
            Headers = new Headers
            {
                { KafkaHeaders.EventType, Encoding.UTF8.GetBytes(EventType) },
                { KafkaHeaders.EventId, Encoding.UTF8.GetBytes(EventId.ToString()) },
                { KafkaHeaders.TraceParent, Encoding.UTF8.GetBytes(traceParent ?? TraceParent ?? NewTraceParent()) },
                { KafkaHeaders.SchemaVersion, SchemaVersionHeader.Encode(EventSchemas.Peek(value).Version ?? 1) },
            },
        };
    }

    private static string NewTraceParent() =>
        $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";

    public static OutboxMessage From(IntegrationEvent @event) => new()
    {
        TraceParent = Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null,
        EventId = @event.EventId,
        Topic = @event.Topic,
        Key = @event.Key,
        EventType = @event.EventType,
        Payload = EventSerializer.Serialize(@event),
        OccurredAt = @event.OccurredAt,
    };
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> message)
    {
        message.ToTable("OutboxMessages");
        message.Property(m => m.Topic).HasMaxLength(200);
        message.Property(m => m.Key).HasMaxLength(200);
        message.Property(m => m.EventType).HasMaxLength(50);
        message.Property(m => m.TraceParent).HasMaxLength(64);
        message.HasIndex(m => m.EventId).IsUnique();
        message.HasIndex(m => m.Id).HasFilter("\"SentAt\" IS NULL").HasDatabaseName("IX_OutboxMessages_Pending");
    }
}
