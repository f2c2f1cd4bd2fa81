using System.Diagnostics;
using System.Runtime.InteropServices;
using ConcertBooking.Messaging.Telemetry;
using Confluent.Kafka;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Messaging.Outbox;

/// <summary>
/// Publishes one batch of pending outbox rows and hands what was delivered to the <see cref="SentRecorder{TContext}"/>.
/// </summary>
internal sealed class OutboxPublisher<TContext>(
    KafkaConnection connection,
    SentRecorder<TContext> recorder,
    MessagingMetrics metrics,
    TimeProvider clock,
    IPublishPacer? pacer = null)
    where TContext : DbContext
{
    private static readonly TimeSpan BacklogCountInterval = TimeSpan.FromSeconds(1);
    private DateTimeOffset _backlogCountedAt = DateTimeOffset.MinValue;

    /// <summary>Publishes up to one batch of pending rows; returns how many were read.</summary>
    public async Task<int> PublishBatchAsync(TContext db, int batchSize, CancellationToken cancellationToken)
    {
        var skip = await recorder.InFlightAsync(batchSize * 4, cancellationToken);
        var outbox = db.Set<OutboxMessage>();
        var pending = (await outbox.AsNoTracking()
            .Where(m => m.SentAt == null)
            .OrderBy(m => m.Id)
            .Take(batchSize + skip.Count)
            .ToListAsync(cancellationToken))
            .Where(m => !skip.Contains(m.Id))
            .Take(batchSize)
            .ToList();
        var oldest = pending.Count > 0 ? pending[0].OccurredAt : (DateTimeOffset?)null;
        if (pending.Count < batchSize)
        {
            metrics.ReportOutboxBacklog(pending.Count, oldest);
        }
        else if (clock.GetUtcNow() - _backlogCountedAt > BacklogCountInterval)
        {
            // Counting a large backlog scans it; once a second is plenty for a gauge, and keeps the scan off the
            // path of every batch while the relay drains.
            _backlogCountedAt = clock.GetUtcNow();
            metrics.ReportOutboxBacklog(await outbox.CountAsync(m => m.SentAt == null, cancellationToken), oldest);
        }

        if (pending.Count == 0)
        {
            return 0;
        }

        var producer = connection.Producer;
        var deliveries = new Task<DeliveryResult<string, byte[]>>[pending.Count];
        var spans = SendSpans.Start(pending);
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < pending.Count; i++)
        {
            deliveries[i] = producer.ProduceAsync(pending[i].Topic, pending[i].ToKafkaMessage(spans?.TraceParentFor(i)), cancellationToken);
        }

        // A delivered row is recorded as sent unless an earlier row of its key failed in this batch: publishing it
        // again after that one keeps the key's latest copy last in the log (what a compacted topic or a reader of the
        // latest state per key sees). A failure that may have reached the broker is sent again too. Both repeats are
        // counted; consumers drop them by eventId.
        var delivered = new List<long>(pending.Count);
        var sent = new Dictionary<(string Topic, string EventType), int>();
        HashSet<string>? failedKeys = null;
        var repeats = 0;
        Exception? failure = null;
        for (var i = 0; i < deliveries.Length; i++)
        {
            try
            {
                var result = await deliveries[i];
                pacer?.Delivered(result);
                spans?.Delivered(i, result);
                CollectionsMarshal.GetValueRefOrAddDefault(sent, (pending[i].Topic, pending[i].EventType), out _)++;
                if (failedKeys?.Contains(pending[i].Key) == true)
                {
                    repeats++;
                }
                else
                {
                    delivered.Add(pending[i].Id);
                }
            }
            catch (ProduceException<string, byte[]> ex)
            {
                spans?.Failed(i, ex);
                failure ??= ex;
                (failedKeys ??= []).Add(pending[i].Key);
                if (ex.DeliveryResult.Status != PersistenceStatus.NotPersisted)
                {
                    repeats++;
                }
            }
        }

        spans?.Complete();
        RecordSent(sent, started);
        if (repeats > 0)
        {
            metrics.EventsRepublished.Add(repeats);
        }

        if (delivered.Count > 0)
        {
            recorder.Add(delivered);
        }

        if (failure is not null)
        {
            throw new KafkaPublishException(
                $"Published {delivered.Count} of {pending.Count} outbox rows; the rest stay pending ({repeats} of them may already be on Kafka).", failure);
        }

        return pending.Count;
    }

    // Measured once a batch, not once an event: at tens of thousands of events a second a measurement per event is a
    // share of the relay's time. The duration is the batch's, from its first produce to its last delivery report.
    private void RecordSent(Dictionary<(string Topic, string EventType), int> sent, long started)
    {
        foreach (var ((_, eventType), count) in sent)
        {
            metrics.BookingCounters.Published(eventType, count);
        }

        if (sent.Count == 0 || (!metrics.SentMessages.Enabled && !metrics.SendDuration.Enabled))
        {
            return;
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        foreach (var topic in sent.GroupBy(s => s.Key.Topic, s => s.Value))
        {
            var tags = MessagingMetrics.Tags("send", topic.Key);
            metrics.SentMessages.Add(topic.Sum(), tags);
            metrics.SendDuration.Record(seconds, tags);
        }
    }

    /// <summary>Waits until everything delivered is recorded as sent.</summary>
    public Task CompleteAsync() => recorder.CompleteAsync();
}

internal sealed class KafkaPublishException(string message, Exception inner) : Exception(message, inner);
