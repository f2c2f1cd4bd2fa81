using ConcertBooking.Messaging.Hosting;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;

namespace ConcertBooking.Pipeline.Tests.Support;

/// <summary>Reads and writes records straight on the cluster, past the outbox: redeliveries, replays, out-of-order
/// events.</summary>
internal static class TopicRecords
{
    /// <summary>Every record now on the topics, read from the beginning by an independent consumer.</summary>
    public static List<ConsumeResult<string?, byte[]?>> ReadAll(string bootstrapServers, params string[] topics)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        var partitions = topics
            .SelectMany(topic => admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions
                .Select(p => new TopicPartition(topic, p.PartitionId)))
            .ToList();

        using var consumer = new ConsumerBuilder<string?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "notification-test-reader-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            FetchWaitMaxMs = 10,
        }).Build();
        var expected = partitions.Sum(p => consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).High.Value);
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));

        var records = new List<ConsumeResult<string?, byte[]?>>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (records.Count < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } record)
            {
                records.Add(record);
            }
        }

        Assert.Equal(expected, records.Count);
        return records;
    }

    /// <summary>Puts records on a topic again, byte for byte, with their key and headers.</summary>
    public static async Task ProduceAsync(string bootstrapServers, IEnumerable<(string Topic, string? Key, byte[]? Value, Headers? Headers)> records)
    {
        using var producer = new ProducerBuilder<string?, byte[]?>(new ProducerConfig { BootstrapServers = bootstrapServers, Acks = Acks.All }).Build();
        foreach (var (topic, key, value, headers) in records)
        {
            await producer.ProduceAsync(topic, new Message<string?, byte[]?> { Key = key, Value = value, Headers = headers ?? [] });
        }
    }

    public static Task RedeliverAsync(string bootstrapServers, IEnumerable<ConsumeResult<string?, byte[]?>> records) =>
        ProduceAsync(bootstrapServers, records.Select(r => (r.Topic, r.Message.Key, r.Message.Value, (Headers?)r.Message.Headers)));

    /// <summary>Waits until the group has committed past everything now on its topics, i.e. handled it.</summary>
    public static Task WaitUntilCaughtUpAsync(PipelineApp app, string groupId) =>
        Eventually.WaitAsync(
            async () => (await app.Services.GetRequiredService<KafkaAdminQueries>().GetOverviewAsync(CancellationToken.None))
                .Groups.Single(g => g.GroupId == groupId).TotalLag,
            lag => lag == 0,
            $"{groupId} to catch up");
}
