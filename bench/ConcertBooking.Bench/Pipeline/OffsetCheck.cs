using System.Text;
using ConcertBooking.Messaging.Embedded;
using Confluent.Kafka;

namespace ConcertBooking.Bench.Pipeline;

/// <summary>
/// `pipeline --check-offsets`: which offsets a fresh topic on the embedded cluster actually delivers, for producers
/// with and without record headers and idempotence, read back by a plain assigned consumer from the beginning.
/// Explains the one-offset "gaps" the consumer runtime reports on the embedded cluster.
/// </summary>
internal static class OffsetCheck
{
    public static int Run()
    {
        using var cluster = EmbeddedKafkaCluster.Start(3);
        var variants = new (string Name, bool Idempotent, bool Headers, CompressionType Compression)[]
        {
            ("idempotent+headers+lz4", true, true, CompressionType.Lz4),
            ("idempotent+lz4", true, false, CompressionType.Lz4),
            ("idempotent+headers, none", true, true, CompressionType.None),
            ("headers+lz4, not idempotent", false, true, CompressionType.Lz4),
            ("plain", false, false, CompressionType.None),
        };
        foreach (var (name, idempotent, headers, compression) in variants)
        {
            var topic = "offset-check-" + Guid.NewGuid().ToString("N")[..8];
            cluster.CreateTopic(topic, 1, 3);
            using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig
            {
                BootstrapServers = cluster.BootstrapServers, Acks = Acks.All, EnableIdempotence = idempotent, LingerMs = 5, CompressionType = compression,
            }).Build())
            {
                for (var i = 0; i < 200; i++)
                {
                    producer.Produce(topic, new Message<string, byte[]>
                    {
                        Key = "k" + i, Value = Encoding.UTF8.GetBytes("value " + i),
                        Headers = headers ? new Headers { { "eventType", "x"u8.ToArray() } } : null,
                    });
                }

                producer.Flush(TimeSpan.FromSeconds(10));
            }

            using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
            {
                BootstrapServers = cluster.BootstrapServers, GroupId = "offset-check", EnableAutoCommit = false, FetchWaitMaxMs = 5,
            }).Build();
            var partition = new TopicPartition(topic, 0);
            var watermarks = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(5));
            consumer.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
            var offsets = new List<long>();
            while (offsets.Count < 200 && consumer.Consume(TimeSpan.FromSeconds(2)) is { } record)
            {
                offsets.Add(record.Offset.Value);
            }

            var skipped = offsets.Zip(offsets.Skip(1)).Count(p => p.Second != p.First + 1);
            consumer.Close();

            // As the consumer runtime reads: a subscribed group member with the cooperative-sticky assignor.
            using var member = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
            {
                BootstrapServers = cluster.BootstrapServers, GroupId = "offset-check-group-" + topic, EnableAutoCommit = false,
                EnableAutoOffsetStore = false, AutoOffsetReset = AutoOffsetReset.Earliest, FetchWaitMaxMs = 5, SessionTimeoutMs = 6000,
                PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
            }).Build();
            member.Subscribe(topic);
            var subscribed = new List<long>();
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (subscribed.Count < 200 && DateTime.UtcNow < deadline)
            {
                if (member.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } r)
                {
                    subscribed.Add(r.Offset.Value);
                }
            }

            member.Close();
            Console.WriteLine($"{"",-30} subscribed member: read {subscribed.Count}, first offset {(subscribed.Count > 0 ? subscribed[0] : -1)}, non-consecutive steps {subscribed.Zip(subscribed.Skip(1)).Count(p => p.Second != p.First + 1)}");
            Console.WriteLine($"{name,-30} watermarks {watermarks.Low}..{watermarks.High}; read {offsets.Count}, first offset {(offsets.Count > 0 ? offsets[0] : -1)}, last {(offsets.Count > 0 ? offsets[^1] : -1)}, non-consecutive steps {skipped}");
        }

        return 0;
    }
}
