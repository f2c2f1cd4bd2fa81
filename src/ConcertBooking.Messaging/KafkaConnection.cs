using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Messaging;

/// <summary>
/// Where Kafka is and how every client talks to it: the configured bootstrap servers (or those of a cluster this
/// process brought up, see <see cref="IKafkaClusterSource"/>), the security settings, and the producer and consumer
/// settings bound from <c>Kafka:Producer</c> and <c>Kafka:Consumer</c> over the defaults below. Clients wait on
/// <see cref="WaitReadyAsync"/> until the topics exist.
/// </summary>
public sealed class KafkaConnection(
    IOptions<KafkaOptions> options,
    IConfiguration configuration,
    IEnumerable<IConfigureKafkaClients> tuning,
    KafkaClientLog clientLog) : IDisposable
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private IProducer<string, byte[]>? _producer;
    private IProducer<string?, byte[]?>? _deadLetterProducer;

    private string? _bootstrapServers;

    /// <summary>Where every client of this process sends librdkafka's log lines and errors.</summary>
    public KafkaClientLog ClientLog => clientLog;

    public string BootstrapServers => _bootstrapServers ?? options.Value.BootstrapServers;

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    /// <summary>Partitions per event topic, as provisioned.</summary>
    public int PartitionCount => options.Value.Topics.Partitions;

    public Task WaitReadyAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    /// <summary>The relay's producer: acks=all and idempotent unless configuration says otherwise.</summary>
    public IProducer<string, byte[]> Producer
    {
        get
        {
            lock (_gate)
            {
                return _producer ??= new ProducerBuilder<string, byte[]>(ProducerConfig())
                    .SetLogHandler((_, message) => clientLog.Write(message))
                    .SetErrorHandler((_, error) => clientLog.Report("producer", error))
                    .Build();
            }
        }
    }

    /// <summary>Separate from <see cref="Producer"/> so dead letters never queue behind the relay's backlog.</summary>
    public IProducer<string?, byte[]?> DeadLetterProducer
    {
        get
        {
            lock (_gate)
            {
                return _deadLetterProducer ??= new ProducerBuilder<string?, byte[]?>(ProducerConfig())
                    .SetLogHandler((_, message) => clientLog.Write(message))
                    .SetErrorHandler((_, error) => clientLog.Report("dead-letter producer", error))
                    .Build();
            }
        }
    }

    public ProducerConfig ProducerConfig()
    {
        var config = new ProducerConfig
        {
            BootstrapServers = BootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            MessageSendMaxRetries = int.MaxValue,
            MaxInFlight = 5,
            LingerMs = 5,
            BatchSize = 16_384,
            CompressionType = CompressionType.Lz4,

            // Bounded, so an unreachable cluster surfaces as a delivery error the relay logs and retries, instead
            // of a send that hangs for the default five minutes.
            MessageTimeoutMs = 30_000,
        };
        return Finish(config, "Kafka:Producer");
    }

    public ConsumerConfig ConsumerConfig(string groupId)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = groupId,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            AutoCommitIntervalMs = 200,
            SessionTimeoutMs = 30_000,
            HeartbeatIntervalMs = 3_000,
            FetchWaitMaxMs = 500,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
        };
        Finish(config, "Kafka:Consumer");
        config.GroupId = groupId;

        // The consume loop stores an offset once its record is handled and librdkafka commits what is stored
        // (periodically, on revocation and on close): configuration cannot turn that into commit-on-receipt.
        config.EnableAutoCommit = true;
        config.EnableAutoOffsetStore = false;
        return config;
    }

    public AdminClientConfig AdminConfig() => Finish(new AdminClientConfig { BootstrapServers = BootstrapServers }, section: null);

    /// <summary>Points every client made from now on at a cluster this process brought up itself.</summary>
    internal void UseBootstrapServers(string bootstrapServers) => _bootstrapServers = bootstrapServers;

    internal void MarkReady() => _ready.TrySetResult();

    private T Finish<T>(T config, string? section) where T : ClientConfig
    {
        foreach (var tune in tuning)
        {
            tune.Defaults(config);
        }

        if (section is not null)
        {
            configuration.GetSection(section).Bind(config);
        }

        config.BootstrapServers = BootstrapServers;
        options.Value.ApplySecurity(config);
        foreach (var tune in tuning)
        {
            tune.Override(config);
        }

        return config;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _producer?.Flush(TimeSpan.FromSeconds(5));
            _producer?.Dispose();
            _deadLetterProducer?.Flush(TimeSpan.FromSeconds(5));
            _deadLetterProducer?.Dispose();
            _producer = null;
            _deadLetterProducer = null;
        }
    }
}

/// <summary>Adjusts every client's settings for the cluster in use: defaults (which configuration may override) and
/// overrides (which it may not). A local mock cluster uses this for what its brokers need.</summary>
public interface IConfigureKafkaClients
{
    void Defaults(ClientConfig config)
    {
    }

    void Override(ClientConfig config)
    {
    }
}
