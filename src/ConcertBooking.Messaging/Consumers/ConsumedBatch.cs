using ConcertBooking.Contracts;
using Confluent.Kafka;

namespace ConcertBooking.Messaging.Consumers;

/// <summary>
/// The records of one poll, decoded as they arrive. Each partition's position is tracked as records arrive too, so
/// the next batch can be read (and its gaps found) while this one is still being handled.
/// </summary>
internal sealed class ConsumedBatch(IReadOnlyDictionary<TopicPartition, long> expected, EventReader reader)
{
    private readonly Dictionary<TopicPartition, long> _next = [];
    private TopicPartition? _partition;
    private int _runStart;
    private DateTimeOffset? _runFirstTimestamp;
    private long _nextOffset;
    private bool _known;

    /// <summary>What each record turned out to be. Only records that are not events keep their
    /// <see cref="ConsumeResult{TKey,TValue}"/> (to be dead-lettered or reported as they came): an event keeps just
    /// what handling it and dead-lettering it need, since the batch holds them while the next batch is read.</summary>
    public List<(Decoded Decoded, ConsumeResult<string?, byte[]?>? Record)> Entries { get; } = [];

    /// <summary>Jumps past the offset a partition should have delivered next: records the cluster dropped.</summary>
    public List<(TopicPartition Partition, long From, long To)> Gaps { get; } = [];

    /// <summary>How many records each run of one partition's records held and when its first was written (if the
    /// record says), once <see cref="Seal"/> has run.</summary>
    public List<(TopicPartition Partition, int Count, DateTimeOffset? FirstTimestamp)> Runs { get; } = [];

    /// <summary>The offset each partition of the batch delivers next, once <see cref="Seal"/> has run.</summary>
    public IReadOnlyDictionary<TopicPartition, long> NextOffsets => _next;

    public void Add(ConsumeResult<string?, byte[]?> record)
    {
        Track(record);
        var decoded = EventDecoder.Decode(record, _partition!.Topic, reader);
        Entries.Add((decoded, decoded.Outcome == DecodeOutcome.Event ? null : record));
    }

    // A partition's records arrive in runs: the dictionaries are consulted once a run, not once a record.
    private void Track(ConsumeResult<string?, byte[]?> record)
    {
        if (_partition is null || record.Partition != _partition.Partition || record.Topic != _partition.Topic)
        {
            Seal();
            _partition = record.TopicPartition;
            _runStart = Entries.Count;
            _runFirstTimestamp = record.Message.Timestamp.Type == TimestampType.NotAvailable
                ? null
                : DateTimeOffset.FromUnixTimeMilliseconds(record.Message.Timestamp.UnixTimestampMs);
            _known = _next.TryGetValue(_partition, out _nextOffset) || expected.TryGetValue(_partition, out _nextOffset);
        }

        var offset = record.Offset.Value;
        if (_known && offset > _nextOffset)
        {
            Gaps.Add((_partition, _nextOffset, offset));
        }

        _nextOffset = offset + 1;
        _known = true;
    }

    /// <summary>Records where the partition run in progress ended: when another partition's records begin, and once
    /// the batch is complete.</summary>
    public void Seal()
    {
        if (_partition is not null)
        {
            _next[_partition] = _nextOffset;
            Runs.Add((_partition, Entries.Count - _runStart, _runFirstTimestamp));
            _partition = null;
        }
    }
}
