using Confluent.Kafka;

namespace ConcertBooking.Messaging.Consumers;

/// <summary>
/// One group's bookkeeping for <see cref="ConsumerGroupMonitor"/>, written by its consume loop and read by scrapes
/// and health probes (hence the lock, taken once a batch). The age of a partition's oldest unhandled record is the
/// timestamp of the first record of the oldest batch read but not handled yet; when the group has handled all it
/// read but the watermark is ahead (records not fetched yet), it is the time since the lag was first seen, which
/// is at most the records' real age.
/// </summary>
internal sealed class GroupLag(string groupId, TimeProvider clock)
{
    private static readonly TimeSpan WatermarkRefresh = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<TopicPartition, Position> _partitions = [];
    private bool _running;
    private string? _lastError;
    private DateTimeOffset? _lastErrorAt;
    private long _refreshedAt;

    public string GroupId => groupId;

    public void Started()
    {
        lock (_lock)
        {
            _running = true;
        }
    }

    public void Stopped(Exception? error)
    {
        lock (_lock)
        {
            _running = false;
            _partitions.Clear();
            if (error is not null)
            {
                _lastError = $"{error.GetType().Name}: {error.Message}";
                _lastErrorAt = clock.GetUtcNow();
            }
        }
    }

    public void Assigned(IEnumerable<TopicPartitionOffset> committed)
    {
        lock (_lock)
        {
            foreach (var position in committed)
            {
                _partitions[position.TopicPartition] = new Position { Handled = position.Offset.IsSpecial ? 0 : position.Offset.Value };
            }
        }
    }

    public void Removed(IEnumerable<TopicPartition> partitions)
    {
        lock (_lock)
        {
            foreach (var partition in partitions)
            {
                _partitions.Remove(partition);
            }
        }
    }

    /// <summary>A batch was read: its records are unhandled until <see cref="Handled"/>.</summary>
    public void Read(ConsumedBatch batch)
    {
        lock (_lock)
        {
            foreach (var run in batch.Runs)
            {
                if (_partitions.TryGetValue(run.Partition, out var position))
                {
                    var next = batch.NextOffsets[run.Partition];
                    position.High = Math.Max(position.High, next);
                    position.Unhandled.Enqueue((next, run.FirstTimestamp ?? clock.GetUtcNow()));
                }
            }
        }
    }

    /// <summary>A batch was handled (or dead-lettered): the group's position moves past it.</summary>
    public void Handled(ConsumedBatch batch, IConsumer<string?, byte[]?> consumer)
    {
        lock (_lock)
        {
            foreach (var (partition, next) in batch.NextOffsets)
            {
                if (_partitions.TryGetValue(partition, out var position))
                {
                    position.Handled = Math.Max(position.Handled, next);
                    while (position.Unhandled.TryPeek(out var read) && read.Next <= position.Handled)
                    {
                        position.Unhandled.Dequeue();
                    }
                }
            }

            RefreshWatermarks(consumer);
        }
    }

    /// <summary>No record arrived: the watermarks librdkafka learnt from its fetches, at most once a second.</summary>
    public void Idle(IConsumer<string?, byte[]?> consumer)
    {
        var now = clock.GetTimestamp();
        if (clock.GetElapsedTime(Interlocked.Read(ref _refreshedAt), now) < WatermarkRefresh)
        {
            return;
        }

        lock (_lock)
        {
            RefreshWatermarks(consumer);
        }
    }

    public ConsumerGroupState State(DateTimeOffset now)
    {
        lock (_lock)
        {
            var partitions = _partitions
                .OrderBy(p => p.Key.Topic, StringComparer.Ordinal).ThenBy(p => p.Key.Partition.Value)
                .Select(p => new PartitionLag(p.Key.Topic, p.Key.Partition.Value, p.Value.Lag, p.Value.AgeSeconds(now)))
                .ToList();
            return new ConsumerGroupState(groupId, _running, _lastError, _lastErrorAt, partitions);
        }
    }

    private void RefreshWatermarks(IConsumer<string?, byte[]?> consumer)
    {
        Interlocked.Exchange(ref _refreshedAt, clock.GetTimestamp());
        var now = clock.GetUtcNow();
        foreach (var (partition, position) in _partitions)
        {
            var high = consumer.GetWatermarkOffsets(partition).High;
            if (!high.IsSpecial)
            {
                position.High = high.Value;
            }

            position.BehindSince = position.Lag == 0 ? null : position.BehindSince ?? now;
        }
    }

    private sealed class Position
    {
        public long Handled { get; set; }

        public long High { get; set; }

        public DateTimeOffset? BehindSince { get; set; }

        /// <summary>Batches read but not handled: where each ends and when its first record was written.</summary>
        public Queue<(long Next, DateTimeOffset FirstTimestamp)> Unhandled { get; } = new(2);

        public long Lag => Math.Max(0, High - Handled);

        public double AgeSeconds(DateTimeOffset now)
        {
            if (Lag == 0 && Unhandled.Count == 0)
            {
                return 0;
            }

            var since = Unhandled.TryPeek(out var oldest) ? oldest.FirstTimestamp : BehindSince ?? now;
            return Math.Max(0, (now - since).TotalSeconds);
        }
    }
}
