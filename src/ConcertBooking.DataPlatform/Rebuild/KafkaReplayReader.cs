using System.Text.Json;
using ConcertBooking.Contracts;
using ConcertBooking.Messaging;
using ConcertBooking.Messaging.Consumers;
using Confluent.Kafka;

namespace ConcertBooking.DataPlatform.Rebuild;

/// <summary>What a replay read from Kafka, or why it could not (then the archive stands in).</summary>
public sealed record KafkaReplay(IReadOnlyList<ConsumedEvent> Events, string? Failure)
{
    public bool Succeeded => Failure is null;

    public static KafkaReplay Failed(string reason) => new([], reason);
}

/// <summary>
/// Reads topics back from Kafka for a rebuild: from the offsets of a timestamp (OffsetsForTimes) to the ends the
/// partitions had when the read began, keeping the events that occurred at or after it. Reads with its own
/// assignment and never commits, so the groups' positions are untouched.
/// </summary>
public sealed class KafkaReplayReader(KafkaConnection connection, UpcastDefaults upcast)
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(60);

    public Task<KafkaReplay> ReadAsync(IReadOnlyList<string> topics, DateTimeOffset from, CancellationToken cancellationToken) =>
        // librdkafka's calls block; keep them off the request's thread.
        Task.Run(() => Read(topics, from, cancellationToken), cancellationToken);

    private KafkaReplay Read(IReadOnlyList<string> topics, DateTimeOffset from, CancellationToken cancellationToken)
    {
        try
        {
            var config = connection.ConsumerConfig($"data-platform-replay-{Guid.NewGuid():N}");
            config.EnablePartitionEof = true;
            using var consumer = new ConsumerBuilder<string?, byte[]?>(config).SetLogHandler((_, m) => connection.ClientLog.Write(m)).Build();

            var ranges = new List<(TopicPartition Partition, long Start, long End)>();
            var failure = FindStartOffsets(consumer, topics, from, ranges);
            return failure is not null ? KafkaReplay.Failed(failure) : ReadRanges(consumer, ranges, from, cancellationToken);
        }
        catch (KafkaException ex)
        {
            return KafkaReplay.Failed($"Kafka failed: {ex.Error.Reason}");
        }
    }

    private string? FindStartOffsets(
        IConsumer<string?, byte[]?> consumer, IReadOnlyList<string> topics, DateTimeOffset from, List<(TopicPartition, long, long)> ranges)
    {
        List<TopicPartition> partitions;
        using (var admin = new AdminClientBuilder(connection.AdminConfig()).SetLogHandler((_, m) => connection.ClientLog.Write(m)).Build())
        {
            partitions = admin.GetMetadata(RequestTimeout).Topics
                .Where(t => topics.Contains(t.Topic))
                .SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p.PartitionId)))
                .ToList();
        }

        if (partitions.Select(p => p.Topic).Distinct().Count() < topics.Count)
        {
            return "Kafka does not have all of the group's topics.";
        }

        // Kafka timestamps start at the Unix epoch; anything earlier means "from the beginning".
        var since = from < DateTimeOffset.UnixEpoch ? DateTimeOffset.UnixEpoch : from;
        var found = consumer.OffsetsForTimes(partitions.Select(p => new TopicPartitionTimestamp(p, new Timestamp(since))), RequestTimeout)
            .ToDictionary(o => o.TopicPartition, o => o.Offset);

        foreach (var partition in partitions)
        {
            var watermarks = consumer.QueryWatermarkOffsets(partition, RequestTimeout);
            long low = watermarks.Low, high = watermarks.High;
            if (high <= low)
            {
                continue;
            }

            var offset = found.GetValueOrDefault(partition, Offset.End);
            if (!offset.IsSpecial)
            {
                if (offset.Value < low || offset.Value > high)
                {
                    return $"Kafka's offset for {since:O} on {partition} lies outside [{low}, {high}].";
                }

                ranges.Add((partition, offset.Value, high));
                continue;
            }

            // No offset means no record at or after the time, which the partition's ends can confirm. librdkafka's
            // mock cluster answers so for every time; the ends still settle the replay from before the first record
            // (the usual "from the beginning") and from after the last one.
            if (TimestampAt(consumer, partition, low) is { } first && first >= since)
            {
                ranges.Add((partition, low, high));
            }
            else if (TimestampAt(consumer, partition, high - 1) is not { } last || last >= since)
            {
                return $"Kafka could not find the offset for {since:O} on {partition}.";
            }
        }

        return null;
    }

    private static DateTimeOffset? TimestampAt(IConsumer<string?, byte[]?> consumer, TopicPartition partition, long offset)
    {
        consumer.Assign(new TopicPartitionOffset(partition, offset));
        var deadline = DateTime.UtcNow + RequestTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } record
                && record.Message.Timestamp.Type != TimestampType.NotAvailable)
            {
                return record.Message.Timestamp.UtcDateTime;
            }
        }

        return null;
    }

    private KafkaReplay ReadRanges(
        IConsumer<string?, byte[]?> consumer, List<(TopicPartition Partition, long Start, long End)> ranges, DateTimeOffset from, CancellationToken cancellationToken)
    {
        var events = new List<ConsumedEvent>();
        var seen = new HashSet<Guid>();
        var remaining = ranges.ToDictionary(r => r.Partition, r => r.End);
        consumer.Assign(ranges.Select(r => new TopicPartitionOffset(r.Partition, r.Start)));
        var deadline = DateTime.UtcNow + ReadTimeout;
        while (remaining.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (DateTime.UtcNow > deadline)
            {
                return KafkaReplay.Failed($"Reading the topics back from Kafka took longer than {ReadTimeout}.");
            }

            var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (record is null || !remaining.TryGetValue(record.TopicPartition, out var end))
            {
                continue;
            }

            if (record.IsPartitionEOF || record.Offset.Value >= end - 1)
            {
                remaining.Remove(record.TopicPartition);
            }

            // Records past the end were published after the read began; the live consumer handles them.
            if (record.IsPartitionEOF || record.Offset.Value >= end
                || Decode(record) is not { } consumed
                || consumed.OccurredAt < from
                || !seen.Add(consumed.EventId))
            {
                continue;
            }

            events.Add(consumed);
        }

        return new KafkaReplay(events, null);
    }

    /// <summary>Null for what the live consumer does not handle either: poison records (they went to the dead-letter
    /// topic) and event types this version does not know.</summary>
    private ConsumedEvent? Decode(ConsumeResult<string?, byte[]?> record)
    {
        if (record.Message.Value is not { Length: > 0 } value)
        {
            return null;
        }

        try
        {
            return new ConsumedEvent(EventSerializer.Deserialize(value, upcast), record.Topic, record.Partition.Value, record.Offset.Value, record.Message.Key)
            {
                Value = value,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
