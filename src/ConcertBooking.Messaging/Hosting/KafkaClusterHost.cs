using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Messaging.Hosting;

/// <summary>
/// Brings Kafka up before any client needs it: starts or joins a local cluster when the composition has one (see
/// <see cref="IKafkaClusterSource"/>), then makes sure the topics exist. Against a real cluster that is unreachable at
/// startup, provisioning keeps retrying in the background and the service runs meanwhile; only readiness reports
/// Kafka as not ready.
/// </summary>
internal sealed partial class KafkaClusterHost(
    KafkaConnection connection,
    ILoggerFactory loggers,
    IOptions<KafkaOptions> kafkaOptions,
    TimeProvider clock,
    ILogger<KafkaClusterHost> logger,
    IKafkaClusterSource? local = null,
    ITopicCreator? topicCreator = null) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _provisioning;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (local is not null)
        {
            connection.UseBootstrapServers(await local.StartAsync(cancellationToken));
        }
        else
        {
            LogExternal(connection.BootstrapServers);
        }

        _provisioning = ProvisionUntilDoneAsync(_stopping.Token);
        if (local is not null)
        {
            // A local cluster answers at once: clients may rely on the topics from the first request on.
            await _provisioning;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_provisioning is not null)
        {
            await _provisioning.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task ProvisionUntilDoneAsync(CancellationToken cancellationToken)
    {
        var provisioner = new KafkaTopicProvisioner(kafkaOptions, connection.BootstrapServers, loggers.CreateLogger<KafkaTopicProvisioner>(), topicCreator, connection.ClientLog);
        for (var backoff = TimeSpan.FromSeconds(1); !cancellationToken.IsCancellationRequested; backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks)))
        {
            try
            {
                await provisioner.ProvisionAsync(cancellationToken);
                connection.MarkReady();
                return;
            }
            catch (KafkaException ex)
            {
                // Expected while the cluster is unreachable: the reason is enough, readiness says the rest.
                LogUnreachable(connection.BootstrapServers, ex.Error.Reason, backoff);
                await Task.Delay(backoff, clock, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogProvisioningFailed(ex, backoff);
                await Task.Delay(backoff, clock, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Kafka cluster at {BootstrapServers}")]
    private partial void LogExternal(string bootstrapServers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka at {BootstrapServers} is not reachable ({Reason}); not ready, retrying in {Backoff}")]
    private partial void LogUnreachable(string bootstrapServers, string reason, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provisioning Kafka topics failed; retrying in {Backoff}")]
    private partial void LogProvisioningFailed(Exception exception, TimeSpan backoff);
}

/// <summary>A local development cluster this process starts or joins itself: its address is known only at
/// startup.</summary>
public interface IKafkaClusterSource
{
    /// <summary>How operators' views name this kind of cluster.</summary>
    string Mode { get; }

    /// <summary>Starts or joins the cluster; returns its bootstrap servers.</summary>
    Task<string> StartAsync(CancellationToken cancellationToken);
}
