using System.Runtime.CompilerServices;
using System.Text;
using ConcertBooking.Contracts;
using ConcertBooking.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ConcertBooking.Messaging.Consumers;

/// <summary>
/// Feeds a group the published events it never processed, straight from the outbox, when Kafka no longer has them:
/// the embedded cluster drops a partition's oldest records beyond 5 MiB whether read or not, and a real cluster
/// drops them at the end of retention. The outbox keeps every event, so it is the source of truth to repair from.
/// Only the lagging group reads here; the others go on at full speed.
/// </summary>
public sealed class OutboxCatchUp(IServiceScopeFactory scopes)
{
    public async IAsyncEnumerable<IReadOnlyList<ConsumedEvent>> UnprocessedAsync(
        string groupId, string topic, int batchSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (long after = 0; ;)
        {
            List<(long Id, string Key, string Payload)> rows;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
                rows = (await db.OutboxMessages
                    .FromSqlInterpolated($"""
                        SELECT * FROM "OutboxMessages" m
                        WHERE m."Topic" = {topic} AND m."SentAt" IS NOT NULL AND m."Id" > {after}
                          AND NOT EXISTS (SELECT 1 FROM "ProcessedEvents" p WHERE p."GroupId" = {groupId} AND p."EventId" = m."EventId")
                        """)
                    .AsNoTracking()
                    .OrderBy(m => m.Id)
                    .Take(batchSize)
                    .Select(m => new { m.Id, m.Key, m.Payload })
                    .ToListAsync(cancellationToken))
                    .Select(m => (m.Id, m.Key, m.Payload))
                    .ToList();
            }

            if (rows.Count == 0)
            {
                yield break;
            }

            after = rows[^1].Id;

            // Partition and offset are unknown here: the event did not come from Kafka. The value is the exact
            // JSON the relay publishes.
            yield return rows
                .Select(r => Encoding.UTF8.GetBytes(r.Payload))
                .Zip(rows, (value, r) => new ConsumedEvent(EventSerializer.Deserialize(value), topic, -1, -1, r.Key) { Value = value })
                .ToList();
        }
    }
}
