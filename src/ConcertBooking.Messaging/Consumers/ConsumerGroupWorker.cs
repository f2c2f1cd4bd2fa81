using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ConcertBooking.Messaging.Consumers;

/// <summary>
/// Runs one consumer group in this process: a <see cref="ConsumeLoop"/> on a thread of its own, rebuilt from the
/// committed offsets whenever it fails, so nothing ends a group for good.
/// </summary>
internal sealed partial class ConsumerGroupWorker(
    ConsumerGroupRegistration group,
    KafkaConnection connection,
    ConsumeLoopFactory loops,
    ConsumerGroupControls controls,
    MessagingMetrics metrics,
    ConsumerGroupMonitor monitor,
    ILogger<ConsumerGroupWorker> logger) : BackgroundService
{
    public string GroupId => group.GroupId;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // librdkafka's Consume blocks: the loop runs synchronously on a thread of its own, so a group never holds a
        // thread-pool thread (two cores here, three groups per process by default).
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        try
        {
            connection.WaitReadyAsync(stoppingToken).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var control = controls.For(group);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A pause ends the run like a shutdown does (batch finished, offsets committed, group left); the
                // next run waits for the resume.
                control.Stopped();
                var pause = control.WaitToRunAsync(stoppingToken).GetAwaiter().GetResult();
                using var run = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, pause);
                try
                {
                    loops.Create(group).Run(run.Token);
                }
                finally
                {
                    control.Stopped();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested || control.PauseRequested)
            {
                continue;
            }
            catch (Exception ex)
            {
                metrics.ConsumerStopped.Add(1, MessagingMetrics.GroupTag(group.GroupId));
                monitor.For(group.GroupId).Stopped(ex);
                LogLoopFailed(ex, group.GroupId);
                stoppingToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{GroupId}: the consumer loop failed; restarting it from the committed offsets")]
    private partial void LogLoopFailed(Exception exception, string groupId);
}
