using Confluent.Kafka;
using Confluent.Kafka.Admin;

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

    /// <summary>
    /// Low and high watermarks of many partitions at once, through the admin client: it asks the cluster for the
    /// current leaders first, so a partition whose leader just moved is asked at its new leader, and one slow or
    /// dead leader costs one timeout for the whole set rather than one per partition. A partition whose leader
    /// cannot answer is absent from the result.
    /// </summary>
    public async Task<IReadOnlyDictionary<TopicPartition, WatermarkOffsets>> WatermarksAsync(
        IReadOnlyCollection<TopicPartition> partitions, CancellationToken cancellationToken)
    {
        if (partitions.Count == 0)
        {
            return new Dictionary<TopicPartition, WatermarkOffsets>();
        }

        var low = ListOffsetsAsync(partitions, OffsetSpec.Earliest());
        var high = ListOffsetsAsync(partitions, OffsetSpec.Latest());
        await Task.WhenAll(low, high).WaitAsync(cancellationToken);
        return partitions
            .Where(p => low.Result.ContainsKey(p) && high.Result.ContainsKey(p))
            .ToDictionary(p => p, p => new WatermarkOffsets(low.Result[p], high.Result[p]));
    }

    private async Task<Dictionary<TopicPartition, long>> ListOffsetsAsync(IEnumerable<TopicPartition> partitions, OffsetSpec spec)
    {
        IEnumerable<ListOffsetsResultInfo> infos;
        try
        {
            infos = (await Admin.ListOffsetsAsync(
                partitions.Select(p => new TopicPartitionOffsetSpec { TopicPartition = p, OffsetSpec = spec }),
                new ListOffsetsOptions { RequestTimeout = Timeout })).ResultInfos;
        }
        catch (ListOffsetsException ex)
        {
            infos = ex.Result.ResultInfos;
        }
        catch (KafkaException)
        {
            return [];
        }

        return infos
            .Select(i => i.TopicPartitionOffsetError)
            .Where(e => e.Error.Code == ErrorCode.NoError && !e.Offset.IsSpecial)
            .ToDictionary(e => e.TopicPartition, e => e.Offset.Value);
    }

    /// <summary>The timestamp of the record at <paramref name="offset"/>, or null when there is none (deleted, or
    /// the read timed out).</summary>
    internal static DateTimeOffset? TimestampAt(IConsumer<string?, byte[]?> probe, TopicPartition partition, long offset) =>
        TimestampsAt(probe, [new TopicPartitionOffset(partition, offset)]).TryGetValue(partition, out var at) ? at : null;

    /// <summary>The timestamps of the records at the given positions, read in one assignment so that the partitions
    /// share one timeout; a partition whose record could not be read in time is absent.</summary>
    internal static Dictionary<TopicPartition, DateTimeOffset> TimestampsAt(IConsumer<string?, byte[]?> probe, IReadOnlyCollection<TopicPartitionOffset> positions)
    {
        var found = new Dictionary<TopicPartition, DateTimeOffset>();
        if (positions.Count == 0)
        {
            return found;
        }

        probe.Assign(positions);
        var deadline = DateTime.UtcNow + Timeout;
        while (found.Count < positions.Count && DateTime.UtcNow < deadline)
        {
            var result = probe.Consume(TimeSpan.FromMilliseconds(200));
            if (result is { IsPartitionEOF: false, Message: not null })
            {
                // The first record seen of a partition is the one at its assigned position.
                found.TryAdd(result.TopicPartition, result.Message.Timestamp.UtcDateTime);
            }
        }

        return found;
    }

    public void Dispose()
    {
        _probe?.Close();
        _probe?.Dispose();
        _admin?.Dispose();
        _probeTurn.Dispose();
    }
}
