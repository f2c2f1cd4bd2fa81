using System.Diagnostics;
using ConcertBooking.Contracts;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Infrastructure.Sql;

/// <summary>
/// Writes an event into the outbox with plain SQL, in the caller's transaction: what the context's SaveChanges does
/// for domain events, for use cases that do not track entities. The one place hand-written SQL names the
/// <c>OutboxMessages</c> columns.
/// </summary>
public static class OutboxRows
{
    private const string Insert = """
        INSERT INTO "OutboxMessages" ("EventId", "Topic", "Key", "EventType", "Payload", "OccurredAt", "TraceParent", "SentAt")
        VALUES (@eventId, @topic, @key, @eventType, @payload, @occurredAt, @traceParent, NULL)
        """;

    public static async Task AddToOutboxAsync(this DbContext db, IntegrationEvent @event, CancellationToken cancellationToken)
    {
        var command = db.Kept(Insert)
            .With("eventId", @event.EventId)
            .With("topic", @event.Topic)
            .With("key", @event.Key)
            .With("eventType", @event.EventType)
            .With("payload", EventSerializer.Serialize(@event))
            .With("occurredAt", @event.OccurredAt)
            .With("traceParent", Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
