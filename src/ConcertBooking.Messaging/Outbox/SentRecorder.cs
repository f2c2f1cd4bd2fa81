using System.Collections.Concurrent;
using System.Threading.Channels;
using ConcertBooking.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ConcertBooking.Messaging.Outbox;

/// <summary>
/// Records delivered rows as sent, off the publishing path. Writing <c>SentAt</c> waits for the database's writer
/// (on SQLite, behind the service's and the consumer groups' transactions), so the next batch is published meanwhile
/// and skips these rows rather than waiting: that wait was most of the commit-to-consumer latency under steady load.
/// One writer records them, every batch delivered meanwhile in one statement. If that fails the rows are published
/// again later, which the consumers' processed-event records make harmless.
/// </summary>
internal sealed partial class SentRecorder<TContext> : IDisposable
    where TContext : DbContext
{
    private readonly ConcurrentDictionary<long, byte> _unrecorded = new();
    private readonly Channel<List<long>> _delivered = Channel.CreateUnbounded<List<long>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly OutboxSignal _recorded = new();
    private readonly IServiceScopeFactory _scopes;
    private readonly MessagingMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly ILogger<SentRecorder<TContext>> _logger;
    private readonly Task _writer;

    public SentRecorder(IServiceScopeFactory scopes, MessagingMetrics metrics, TimeProvider clock, ILogger<SentRecorder<TContext>> logger)
    {
        (_scopes, _metrics, _clock, _logger) = (scopes, metrics, clock, logger);
        _writer = Task.Run(RecordAsync, CancellationToken.None);
    }

    /// <summary>Rows delivered but not yet recorded, to be skipped by the next read; waits while more than
    /// <paramref name="limit"/> are (bounds what is in flight if the database falls behind). Taken before the read:
    /// a row that left the set before this point was recorded before the read begins, so the read does not return it.</summary>
    public async Task<HashSet<long>> InFlightAsync(int limit, CancellationToken cancellationToken)
    {
        while (_unrecorded.Count >= limit)
        {
            await _recorded.WaitAsync(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        return _unrecorded.Keys.ToHashSet();
    }

    public void Add(List<long> delivered)
    {
        foreach (var id in delivered)
        {
            _unrecorded[id] = 0;
        }

        _delivered.Writer.TryWrite(delivered);
    }

    public Task CompleteAsync()
    {
        _delivered.Writer.TryComplete();
        return _writer;
    }

    public void Dispose() => _delivered.Writer.TryComplete();

    private async Task RecordAsync()
    {
        var reader = _delivered.Reader;
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            var delivered = new List<long>();
            while (reader.TryRead(out var batch))
            {
                delivered.AddRange(batch);
            }

            try
            {
                await using var scope = _scopes.CreateAsyncScope();
                var sentAt = _clock.GetUtcNow();

                // A write transaction like the requests': on SQLite it joins their next shared commit rather than
                // taking the writer and syncing the WAL on its own.
                await scope.ServiceProvider.GetRequiredService<WriteTransactions<TContext>>().RunAsync(
                    (db, ct) => db.Set<OutboxMessage>()
                        .Where(m => delivered.Contains(m.Id))
                        .ExecuteUpdateAsync(m => m.SetProperty(x => x.SentAt, sentAt), ct),
                    CancellationToken.None);
            }
            catch (Exception ex)
            {
                _metrics.ProducerErrors.Add(1);
                LogRecordFailed(ex, delivered.Count);
            }
            finally
            {
                foreach (var id in delivered)
                {
                    _unrecorded.TryRemove(id, out _);
                }

                _recorded.Notify();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording {Count} delivered outbox rows as sent failed; they will be published again")]
    private partial void LogRecordFailed(Exception exception, int count);
}
