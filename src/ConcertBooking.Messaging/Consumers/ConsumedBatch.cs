using Confluent.Kafka;

namespace ConcertBooking.Messaging.Consumers;

/// <summary>
/// The records of one poll, read as they arrive: each record's headers are decoded and its partition's position
/// tracked right after <c>Consume</c> returns it, while it is still in the CPU cache (a second pass over a thousand
/// records costs as much again).
/// </summary>
internal sealed class ConsumedBatch(IReadOnlyDictionary<TopicPartition, long> expected)
{
    private readonly Dictionary<TopicPartition, long> _next = [];
    private TopicPartition? _partition;
    private long _nextOffset;
    private bool _known;

    public int Count { get; private set; }

    /// <summary>Records holding an event we know, in arrival order.</summary>
    public List<(ConsumeResult<string?, byte[]?>? Record, ConsumedEvent Event)> Events { get; } = [];

    /// <summary>Records of an unknown type or no event at all, in arrival order.</summary>
    public List<(ConsumeResult<string?, byte[]?> Record, Decoded Decoded)> Rejected { get; } = [];

    /// <summary>Jumps past the offset a partition should have delivered next: records the cluster dropped.</summary>
    public List<(TopicPartition Partition, long From, long To)> Gaps { get; } = [];

    /// <summary>The offset each partition of the batch delivers next.</summary>
    public IReadOnlyDictionary<TopicPartition, long> NextOffsets
    {
        get
        {
            if (_partition is not null)
            {
                _next[_partition] = _nextOffset;
            }

            return _next;
        }
    }

    public void Add(ConsumeResult<string?, byte[]?> record)
    {
        Count++;
        Track(record);
        var decoded = EventDecoder.Decode(record);
        if (decoded.Outcome == DecodeOutcome.Event)
        {
            Events.Add((record, decoded.Event!));
        }
        else
        {
            Rejected.Add((record, decoded));
        }
    }

    // A partition's records arrive in runs: the dictionaries are consulted once a run, not once a record.
    private void Track(ConsumeResult<string?, byte[]?> record)
    {
        if (_partition is null || record.Partition != _partition.Partition || record.Topic != _partition.Topic)
        {
            if (_partition is not null)
            {
                _next[_partition] = _nextOffset;
            }

            _partition = record.TopicPartition;
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
}
