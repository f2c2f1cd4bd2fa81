using ConcertBooking.Infrastructure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Messaging.Hosting;

/// <summary>
/// Brings Kafka up before any client needs it: starts the embedded cluster (empty bootstrap servers) and makes sure
/// the topics exist. Against a real cluster that is unreachable at startup, provisioning keeps retrying in the
/// background and the API serves meanwhile; only readiness reports Kafka as not ready.
/// </summary>
internal sealed partial class KafkaClusterHost(
    KafkaConnection connection,
    ILoggerFactory loggers,
    IOptions<KafkaOptions> kafkaOptions,
    IOptions<DatabaseOptions> databaseOptions,
    IHostEnvironment environment,
    TimeProvider clock,
    ILogger<KafkaClusterHost> logger) : IHostedService
{
    public const string BootstrapFileName = "kafka-bootstrap.txt";
    private readonly CancellationTokenSource _stopping = new();
    private Task? _provisioning;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (kafkaOptions.Value.UseEmbeddedCluster)
        {
            connection.StartEmbedded(brokerCount: 3);
            var dataDirectory = PersistenceExtensions.ResolveDataDirectory(databaseOptions.Value, environment);
            File.WriteAllText(Path.Combine(dataDirectory, BootstrapFileName), connection.BootstrapServers + Environment.NewLine);
            LogEmbeddedStarted(connection.Embedded!.BrokerCount, connection.BootstrapServers);
        }
        else
        {
            LogExternal(connection.BootstrapServers);
        }

        _provisioning = ProvisionUntilDoneAsync(_stopping.Token);
        return kafkaOptions.Value.UseEmbeddedCluster ? _provisioning : Task.CompletedTask;
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
        var provisioner = new KafkaTopicProvisioner(kafkaOptions, loggers.CreateLogger<KafkaTopicProvisioner>(), connection.Embedded);
        for (var backoff = TimeSpan.FromSeconds(1); !cancellationToken.IsCancellationRequested; backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks)))
        {
            try
            {
                await provisioner.ProvisionAsync(cancellationToken);
                connection.MarkReady();
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogProvisioningFailed(ex, backoff);
                await Task.Delay(backoff, clock, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded Kafka cluster ({BrokerCount} brokers) at {BootstrapServers}")]
    private partial void LogEmbeddedStarted(int brokerCount, string bootstrapServers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kafka cluster at {BootstrapServers}")]
    private partial void LogExternal(string bootstrapServers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provisioning Kafka topics failed; retrying in {Backoff}")]
    private partial void LogProvisioningFailed(Exception exception, TimeSpan backoff);
}
