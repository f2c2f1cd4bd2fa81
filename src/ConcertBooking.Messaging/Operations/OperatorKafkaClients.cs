using Confluent.Kafka;

namespace ConcertBooking.Messaging.Operations;

/// <summary>
/// The operators' long-lived Kafka clients: one admin client and one probe consumer that never joins a group, made
/// on first use and kept, so a console polling every few seconds does not open new broker connections each time.
/// The probe's assignment is state, so its users take turns.
/// </summary>
public sealed class OperatorKafkaClients(KafkaConnection connection) : IDisposable
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _probeTurn = new(1, 1);
    private IAdminClient? _admin;
    private IConsumer<string?, byte[]?>? _probe;

    public IAdminClient Admin
    {
        get
        {
            lock (_gate)
            {
                return _admin ??= new AdminClientBuilder(connection.AdminConfig()).SetLogHandler(static (_, _) => { }).Build();
            }
        }
    }

    /// <summary>Runs <paramref name="use"/> with the probe consumer to itself (off the caller's thread: librdkafka blocks).</summary>
    public async Task<T> WithProbeAsync<T>(Func<IConsumer<string?, byte[]?>, T> use, CancellationToken cancellationToken)
    {
        await _probeTurn.WaitAsync(cancellationToken);
        try
        {
            return await Task.Run(() =>
            {
                var probe = Probe;
                try
                {
                    return use(probe);
                }
                finally
                {
                    probe.Unassign();
                }
            }, cancellationToken);
        }
        finally
        {
            _probeTurn.Release();
        }
    }

    private IConsumer<string?, byte[]?> Probe
    {
        get
        {
            lock (_gate)
            {
                if (_probe is null)
                {
                    var config = connection.ConsumerConfig("concertbooking-operator-probe");
                    config.EnableAutoCommit = false;
                    config.FetchWaitMaxMs = 10;
                    _probe = new ConsumerBuilder<string?, byte[]?>(config).SetLogHandler(static (_, _) => { }).Build();
                }

                return _probe;
            }
        }
    }

    /// <summary>The timestamp of the record at <paramref name="offset"/>, or null when there is none (deleted, or
    /// the read timed out).</summary>
    internal static DateTimeOffset? TimestampAt(IConsumer<string?, byte[]?> probe, TopicPartition partition, long offset)
    {
        probe.Assign(new TopicPartitionOffset(partition, offset));
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            var result = probe.Consume(TimeSpan.FromMilliseconds(200));
            if (result is { IsPartitionEOF: false, Message: not null })
            {
                return result.Message.Timestamp.UtcDateTime;
            }
        }

        return null;
    }

    public void Dispose()
    {
        _probe?.Close();
        _probe?.Dispose();
        _admin?.Dispose();
        _probeTurn.Dispose();
    }
}
