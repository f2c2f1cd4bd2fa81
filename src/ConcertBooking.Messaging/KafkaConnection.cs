using ConcertBooking.Messaging.Embedded;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Messaging;

/// <summary>
/// Where Kafka is and how every client talks to it: the embedded cluster's or the configured bootstrap servers,
/// the security settings, and the producer and consumer settings bound from <c>Kafka:Producer</c> and
/// <c>Kafka:Consumer</c> over the seed's defaults (8.2). Clients wait on <see cref="WaitReadyAsync"/> until the
/// topics exist.
/// </summary>
public sealed partial class KafkaConnection(
    IOptions<KafkaOptions> options,
    IConfiguration configuration,
    ILogger<KafkaConnection> logger) : IDisposable
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private IProducer<string, byte[]>? _producer;
    private IProducer<string?, byte[]?>? _deadLetterProducer;

    public bool IsEmbedded => options.Value.UseEmbeddedCluster;

    /// <summary>The in-process cluster in embedded mode, once started; null against a real cluster.</summary>
    public EmbeddedKafkaCluster? Embedded { get; private set; }

    public string BootstrapServers => Embedded?.BootstrapServers ?? options.Value.BootstrapServers;

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
                    .SetErrorHandler((_, error) => LogClientError("producer", error.Code, error.Reason))
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
                    .SetErrorHandler((_, error) => LogClientError("dead-letter producer", error.Code, error.Reason))
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
        configuration.GetSection("Kafka:Producer").Bind(config);
        return options.Value.ApplySecurity(config);
    }

    /// <summary>The mock brokers hold every fetch for the full <c>fetch.wait.max.ms</c>, even when data arrives
    /// meanwhile (a real broker answers as soon as <c>fetch.min.bytes</c> is met), so in embedded mode that wait is
    /// added to every event's latency: 500 ms would make a notification take up to half a second. 20 ms costs a few
    /// more idle fetches (~0.05 of a core for all three groups).</summary>
    public const int EmbeddedFetchWaitMaxMs = 20;

    public ConsumerConfig ConsumerConfig(string groupId)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = groupId,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            SessionTimeoutMs = 30_000,
            HeartbeatIntervalMs = 3_000,
            FetchWaitMaxMs = IsEmbedded ? EmbeddedFetchWaitMaxMs : 500,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
        };
        configuration.GetSection("Kafka:Consumer").Bind(config);
        config.GroupId = groupId;
        return options.Value.ApplySecurity(config);
    }

    public AdminClientConfig AdminConfig() =>
        options.Value.ApplySecurity(new AdminClientConfig { BootstrapServers = BootstrapServers });

    internal void StartEmbedded(int brokerCount)
    {
        Embedded = EmbeddedKafkaCluster.Start(brokerCount);

        // A real broker waits 3 s for more members before the first assignment; in one process there are none to
        // wait for, and the wait would only delay the first events after every start.
        Embedded.SetGroupInitialRebalanceDelay(TimeSpan.Zero);
    }

    internal void MarkReady() => _ready.TrySetResult();

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

        Embedded?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka {Client} reports {Code}: {Reason}")]
    private partial void LogClientError(string client, ErrorCode code, string reason);
}
