using System.Diagnostics;
using ConcertBooking.Messaging.Outbox;
using Confluent.Kafka;

namespace ConcertBooking.Bench.Pipeline;

internal sealed record RawProduceResult(int Produced, TimeSpan ProduceTime)
{
    public double ProducePerSecond => Produced / ProduceTime.TotalSeconds;
}

internal sealed record RawConsumeResult(int Consumed, TimeSpan ConsumeTime, TimeSpan GroupJoin)
{
    public double ConsumePerSecond => Consumed / ConsumeTime.TotalSeconds;
}

/// <summary>The ceiling: plain Confluent.Kafka loops on the same cluster, with the relay's producer settings and
/// the consumer settings the groups use, on a topic of its own.</summary>
internal static class RawKafka
{
    public const string Topic = "bench-raw";

    public static RawProduceResult Produce(string bootstrapServers, int count, CancellationToken cancellationToken)
    {
        // The very records the relay would publish for these events (key, value and headers), so the ceiling and
        // the groups read the same bytes.
        var messages = Enumerable.Range(0, count).Select(_ => OutboxMessage.From(BenchEvents.Create()).ToKafkaMessage()).ToArray();

        var producerConfig = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 5,
            BatchSize = 16_384,
            MaxInFlight = 5,
            CompressionType = CompressionType.Lz4,
        };
        var produceTime = Stopwatch.StartNew();
        using var producer = new ProducerBuilder<string, byte[]>(producerConfig).Build();
        var failed = 0;
        foreach (var message in messages)
        {
            while (true)
            {
                try
                {
                    producer.Produce(Topic, message, r =>
                    {
                        if (r.Error.IsError)
                        {
                            Interlocked.Increment(ref failed);
                        }
                    });
                    break;
                }
                catch (ProduceException<string, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(10));
                }
            }
        }

        producer.Flush(cancellationToken);
        produceTime.Stop();
        return failed == 0
            ? new RawProduceResult(count, produceTime.Elapsed)
            : throw new InvalidOperationException($"{failed} raw records failed to deliver.");
    }

    /// <summary>Reads the topic from the start in a fresh group: first record to last (the group join excluded).</summary>
    public static Task<RawConsumeResult> ConsumeAsync(string bootstrapServers, int count, CancellationToken cancellationToken)
    {
        var consumerConfig = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "bench-raw-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            FetchWaitMaxMs = 5,
            SessionTimeoutMs = 6000,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
        };
        return Task.Run(() =>
        {
            using var consumer = new ConsumerBuilder<string, byte[]>(consumerConfig).Build();
            var subscribed = Stopwatch.StartNew();
            consumer.Subscribe(Topic);
            var consumed = 0;
            var first = TimeSpan.Zero;
            var last = TimeSpan.Zero;
            var deadline = TimeSpan.FromMinutes(2);
            while (consumed < count && subscribed.Elapsed < deadline)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (result is null || result.IsPartitionEOF)
                {
                    continue;
                }

                if (consumed++ == 0)
                {
                    first = subscribed.Elapsed;
                }

                last = subscribed.Elapsed;
            }

            consumer.Close();
            return new RawConsumeResult(consumed, last - first, first);
        }, cancellationToken);
    }
}
