using System.Diagnostics;
using ConcertBooking.Contracts;
using Confluent.Kafka;

namespace ConcertBooking.Messaging.Consumers;

/// <summary>Reads one batch: the first record within the poll timeout, then whatever follows within the linger.</summary>
internal static class BatchReader
{
    /// <summary>Null when no record arrived within <paramref name="pollTimeout"/>.</summary>
    public static ConsumedBatch? Read(
        IConsumer<string?, byte[]?> consumer, PartitionPositions positions, ConsumerLoopOptions options, TimeSpan pollTimeout,
        EventReader reader)
    {
        var first = consumer.Consume(pollTimeout);
        if (first is null || first.IsPartitionEOF)
        {
            return null;
        }

        var batch = new ConsumedBatch(positions.Next, reader);
        batch.Add(first);

        // Real time, not the TimeProvider: librdkafka waits in real time.
        var lingering = Stopwatch.StartNew();
        while (batch.Entries.Count < options.MaxBatchSize)
        {
            // A backlog is read without looking at the clock; only an empty queue waits out the linger.
            var next = consumer.Consume(0);
            if (next is null)
            {
                var left = options.BatchLinger - lingering.Elapsed;
                next = left > TimeSpan.Zero ? consumer.Consume(left) : null;
                if (next is null)
                {
                    break;
                }
            }

            if (!next.IsPartitionEOF)
            {
                batch.Add(next);
            }
        }

        batch.Seal();
        positions.Advance(batch.NextOffsets);
        return batch;
    }
}
