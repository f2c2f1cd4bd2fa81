using Confluent.Kafka;
using ConcertBooking.Messaging.Hosting;
using ConcertBooking.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Messaging.Embedded;

/// <summary>
/// One embedded cluster per data directory. The first process on a directory owns it: it holds
/// <c>kafka-cluster.lock</c> for as long as it runs (the operating system releases it when the process ends, however
/// it ends), starts the brokers and writes their address to <c>kafka-bootstrap.txt</c>. Any later process on the
/// same directory, whatever its roles, finds the lock taken, reads the address, checks that the cluster answers and
/// joins it. A process that gets the lock while an address is still recorded knows its owner is gone: it says so,
/// starts a new cluster and has the outbox published again, since the old cluster's records died with it.
/// </summary>
internal sealed partial class EmbeddedClusterSource(
    IOptions<DatabaseOptions> database,
    IOptions<EmbeddedKafkaOptions> options,
    IHostEnvironment environment,
    IEnumerable<IOutboxRepublisher> republishers,
    ILogger<EmbeddedClusterSource> logger) : IKafkaClusterSource, ITopicCreator, IDisposable
{
    public const string BootstrapFileName = "kafka-bootstrap.txt";
    public const string LockFileName = "kafka-cluster.lock";
    private const int BrokerCount = 3;
    private FileStream? _lock;

    public string Mode => "embedded";

    /// <summary>The cluster, when this process owns it; null when it joined another process's.</summary>
    public EmbeddedKafkaCluster? Cluster { get; private set; }

    public async Task<string> StartAsync(CancellationToken cancellationToken)
    {
        var directory = DatabaseExtensions.ResolveDataDirectory(database.Value, environment);
        var bootstrapFile = Path.Combine(directory, BootstrapFileName);
        if (TryTakeLock(Path.Combine(directory, LockFileName)))
        {
            if (File.Exists(bootstrapFile))
            {
                LogOwnerGone(File.ReadAllText(bootstrapFile).Trim(), directory);
                File.Delete(bootstrapFile);
            }

            Cluster = EmbeddedKafkaCluster.Start(BrokerCount);

            // A real broker waits 3 s for more members before the first assignment; locally there are none to wait
            // for, and the wait would only delay the first events after every start.
            Cluster.SetGroupInitialRebalanceDelay(TimeSpan.Zero);
            await File.WriteAllTextAsync(bootstrapFile, Cluster.BootstrapServers + Environment.NewLine, cancellationToken);
            LogStarted(BrokerCount, Cluster.BootstrapServers, directory);
            foreach (var republisher in republishers)
            {
                await republisher.RepublishAsync(cancellationToken);
            }

            return Cluster.BootstrapServers;
        }

        var joined = await JoinAsync(bootstrapFile, cancellationToken);
        LogJoined(joined, directory);
        return joined;
    }

    public IReadOnlyList<string> Create(IReadOnlyList<string> topics, KafkaTopicOptions topicOptions, List<string> created) =>
        new EmbeddedTopicCreator(Cluster ?? throw new InvalidOperationException(
                "Topics are missing on the embedded cluster this process joined; only its owner can create them. Restart the owner."),
            logger).Create(topics, topicOptions, created);

    public void Dispose()
    {
        Cluster?.Dispose();
        _lock?.Dispose();
    }

    private bool TryTakeLock(string path)
    {
        try
        {
            // FileShare.None is an exclusive advisory lock (flock) on Unix, released by the kernel when the process dies.
            _lock = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Waits for the owner's address (it may still be starting) and for its brokers to answer.</summary>
    private async Task<string> JoinAsync(string bootstrapFile, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + options.Value.JoinTimeout;
        string? bootstrapServers = null;
        while (DateTime.UtcNow < deadline)
        {
            bootstrapServers = File.Exists(bootstrapFile) ? (await File.ReadAllTextAsync(bootstrapFile, cancellationToken)).Trim() : null;
            if (!string.IsNullOrEmpty(bootstrapServers) && Answers(bootstrapServers))
            {
                return bootstrapServers;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }

        throw new InvalidOperationException(
            $"Another process holds the embedded Kafka cluster of {Path.GetDirectoryName(bootstrapFile)}, but its brokers ({bootstrapServers ?? "no address yet"}) did not answer within {options.Value.JoinTimeout}.");
    }

    private static bool Answers(string bootstrapServers)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers })
            .SetLogHandler(static (_, _) => { })
            .Build();
        try
        {
            return admin.GetMetadata(TimeSpan.FromSeconds(2)).Brokers.Count > 0;
        }
        catch (KafkaException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded Kafka cluster ({BrokerCount} brokers) at {BootstrapServers}, owned by this process for {DataDirectory}")]
    private partial void LogStarted(int brokerCount, string bootstrapServers, string dataDirectory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Joined the embedded Kafka cluster at {BootstrapServers}, owned by another process on {DataDirectory}")]
    private partial void LogJoined(string bootstrapServers, string dataDirectory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The embedded Kafka cluster recorded for {DataDirectory} ({BootstrapServers}) is gone with the process that owned it; starting a new one. Processes still connected to the old one must be restarted")]
    private partial void LogOwnerGone(string bootstrapServers, string dataDirectory);

}
