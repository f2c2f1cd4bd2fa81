using ConcertBooking.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Messaging.Outbox;

/// <summary>
/// Publishes committed outbox rows to Kafka in commit order. Runs in every process that publishes, but only the
/// holder of the outbox lease does, so rows are never published concurrently and each key's events keep their
/// order. Kafka being down only delays publishing: rows stay pending and the relay retries with backoff while the
/// service keeps committing.
/// </summary>
internal sealed partial class OutboxRelay<TContext>(
    IServiceScopeFactory scopes,
    OutboxPublisher<TContext> publisher,
    KafkaConnection connection,
    OutboxSignal signal,
    DatabaseReadiness database,
    IOptions<OutboxOptions> options,
    MessagingMetrics metrics,
    TimeProvider clock,
    ILogger<OutboxRelay<TContext>> logger,
    IPublishPacer? pacer = null) : BackgroundService
    where TContext : DbContext
{
    internal const string LeaseName = "outbox-relay";
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await database.WaitAsync(stoppingToken);
        await connection.WaitReadyAsync(stoppingToken);
        var settings = options.Value;
        var backoff = settings.MinBackoff;
        var leaseRenewedAt = DateTimeOffset.MinValue;
        var isLeader = false;

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<TContext>();

                var now = clock.GetUtcNow();
                if (now - leaseRenewedAt > settings.LeaseDuration / 3)
                {
                    var wasLeader = isLeader;
                    isLeader = await db.TryAcquireAsync(LeaseName, _owner, now, settings.LeaseDuration, stoppingToken);
                    leaseRenewedAt = isLeader ? now : DateTimeOffset.MinValue;
                    if (isLeader != wasLeader)
                    {
                        LogLeadership(isLeader ? "took" : "lost", _owner);
                    }
                }

                if (!isLeader)
                {
                    metrics.StopReportingOutbox();
                    await Task.Delay(settings.LeaseDuration / 3, clock, stoppingToken);
                    continue;
                }

                if (pacer?.HasRoom() == false)
                {
                    await Task.Delay(settings.PacingWait, clock, stoppingToken);
                    continue;
                }

                var published = await publisher.PublishBatchAsync(db, settings.BatchSize, stoppingToken);
                backoff = settings.MinBackoff;
                if (published < settings.BatchSize)
                {
                    await signal.WaitAsync(settings.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                metrics.ProducerErrors.Add(1);
                LogPublishFailed(ex, backoff);
                await Task.Delay(backoff, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, settings.MaxBackoff.Ticks));
            }
        }

        // Not cancelled by the shutdown: what was delivered is recorded, or it would be published again.
        await publisher.CompleteAsync();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox relay {Change} the publishing lease ({Owner})")]
    private partial void LogLeadership(string change, string owner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing the outbox failed; retrying in {Backoff}")]
    private partial void LogPublishFailed(Exception exception, TimeSpan backoff);
}

/// <summary>
/// A cluster that needs publishing paced: asked before each batch, told of each delivered record. A development
/// cluster with a fixed per-partition size cap uses it to keep every partition's unread backlog under the cap.
/// </summary>
public interface IPublishPacer
{
    bool IsHoldingBack { get; }

    bool HasRoom();

    void Delivered(Confluent.Kafka.DeliveryResult<string, byte[]> delivery);

    /// <summary>What the slowest group has yet to read, per partition.</summary>
    List<PartitionBacklog> MeasureBacklog();
}

/// <summary>How much the slowest group has yet to read on one partition.</summary>
public sealed record PartitionBacklog(string Topic, int Partition, long Records, long Bytes, string SlowestGroup);
