using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Messaging.Consumers;

/// <summary>
/// The failure policy of every group, declared once (like Spring Kafka's <c>DefaultErrorHandler</c> with a
/// <c>DeadLetterPublishingRecoverer</c>): a batch that fails is handled again record by record; a record that still
/// fails after <see cref="RetryOptions.Attempts"/> retries with <see cref="RetryOptions.Backoff"/> is parked on its
/// dead-letter topic, so one poison record delays its partition by at most the budget and never stops it. A record
/// that cannot be decoded is parked at once: retrying cannot make it readable.
/// </summary>
internal sealed partial class RetryThenDeadLetter(
    DeadLetterPublisher deadLetters,
    IOptions<RetryOptions> options,
    MessagingMetrics metrics,
    TimeProvider clock,
    ILogger<RetryThenDeadLetter> logger)
{
    public async Task HandleAsync(
        string groupId,
        IReadOnlyList<ConsumedEvent> events,
        Func<IReadOnlyList<ConsumedEvent>, Task> handle,
        Action<IReadOnlyCollection<ConsumedEvent>> handled,
        CancellationToken stoppingToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        var groupTag = MessagingMetrics.GroupTag(groupId);
        try
        {
            await handle(events);
            handled(events);
            return;
        }
        catch (Exception ex)
        {
            metrics.HandlerFailures.Add(1, groupTag);
            LogBatchFailed(ex, groupId, events.Count);
        }

        var retry = options.Value;
        foreach (var consumed in events)
        {
            if (!consumed.TryDecode(out var undecodable))
            {
                await DeadLetterAsync(groupId, DeadLetter.Of(consumed), undecodable!, attempts: 0, stoppingToken);
                continue;
            }

            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await handle([consumed]);
                    handled([consumed]);
                    break;
                }
                catch (Exception ex)
                {
                    metrics.HandlerFailures.Add(1, groupTag);
                    if (attempt > retry.Attempts)
                    {
                        await DeadLetterAsync(groupId, DeadLetter.Of(consumed), ex, attempt, stoppingToken);
                        break;
                    }

                    // Shutting down: retrying without the backoff would dead-letter a record whose failure may be
                    // passing (a database failover during a deploy). Leave the batch unstored instead; the next
                    // owner gets it again with the full budget, and handlers are idempotent for what was done.
                    stoppingToken.ThrowIfCancellationRequested();
                    metrics.Retries.Add(1, groupTag);
                    LogRetrying(ex, groupId, consumed.Topic, consumed.Partition, consumed.Offset, attempt, retry.Backoff);
                    await Task.Delay(retry.Backoff, clock, stoppingToken);
                }
            }
        }
    }

    public Task DeadLetterAsync(string groupId, DeadLetter record, Exception error, int attempts, CancellationToken stoppingToken) =>
        deadLetters.PublishAsync(groupId, record, error, attempts, stoppingToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{GroupId}: a batch of {Count} events failed; handling them one by one")]
    private partial void LogBatchFailed(Exception exception, string groupId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{GroupId}: {Topic} [{Partition}] @{Offset} failed (attempt {Attempt}); retrying in {Backoff}")]
    private partial void LogRetrying(Exception exception, string groupId, string topic, int partition, long offset, int attempt, TimeSpan backoff);
}
