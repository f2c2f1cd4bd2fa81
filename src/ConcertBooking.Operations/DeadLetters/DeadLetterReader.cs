using System.Globalization;
using ConcertBooking.Messaging;
using ConcertBooking.Operations.Messages;
using Confluent.Kafka;

namespace ConcertBooking.Operations.DeadLetters;

/// <summary>Reads the dead-letter topics in full and makes sense of their failure headers: ours, or Spring Kafka's
/// for records another tool parked.</summary>
public sealed class DeadLetterReader(TopicReader reader)
{
    /// <summary>The dead-letter topics of the system's event topics.</summary>
    public static IReadOnlyList<string> Topics { get; } =
        TopicNames.All.Where(t => t.EndsWith(TopicNames.DeadLetterSuffix, StringComparison.Ordinal)).ToList();

    /// <summary>The dead-letter topic an operator means: its own name or its event topic's; null if neither.</summary>
    public static string? Resolve(string topic) =>
        Topics.Contains(topic) ? topic : Topics.FirstOrDefault(t => t == TopicNames.DeadLetterFor(topic));

    public Task<IReadOnlyList<DeadLetterRecord>> ReadAsync(IReadOnlyList<string> topics, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<DeadLetterRecord>>(() =>
        {
            var records = new List<DeadLetterRecord>();
            using var consumer = reader.CreateConsumer();
            foreach (var topic in topics)
            {
                foreach (var partition in reader.Partitions(topic))
                {
                    reader.Scan(consumer, new TopicPartition(topic, partition), 0, record =>
                    {
                        records.Add(Parse(record));
                        return true;
                    }, cancellationToken);
                }
            }

            consumer.Close();
            return records;
        }, cancellationToken);

    private static DeadLetterRecord Parse(ConsumeResult<byte[]?, byte[]?> record)
    {
        var headers = record.Message.Headers;
        string? Text(string name) => RecordText.Header(headers, name);
        string? Number(string name) =>
            headers is not null && headers.TryGetLastBytes(name, out var bytes) ? RecordText.HeaderText(name, bytes) : null;

        var originalTopic = Text(KafkaHeaders.DeadLetterOriginalTopic) ?? Text(KafkaHeaders.SpringOriginalTopic)
            ?? record.Topic[..^TopicNames.DeadLetterSuffix.Length];
        var failure = new DeadLetterFailure(
            originalTopic,
            Int(Text(KafkaHeaders.DeadLetterOriginalPartition) ?? Number(KafkaHeaders.SpringOriginalPartition)),
            Long(Text(KafkaHeaders.DeadLetterOriginalOffset) ?? Number(KafkaHeaders.SpringOriginalOffset)),
            Text(KafkaHeaders.DeadLetterGroup) ?? Text(KafkaHeaders.SpringOriginalConsumerGroup),
            Int(Text(KafkaHeaders.DeadLetterAttempts)),
            Text(KafkaHeaders.DeadLetterExceptionType) ?? Text(KafkaHeaders.SpringExceptionFqcn),
            Text(KafkaHeaders.DeadLetterExceptionMessage) ?? Text(KafkaHeaders.SpringExceptionMessage),
            DateTimeOffset.TryParse(Text(KafkaHeaders.DeadLetterFailedAt), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null);
        return new DeadLetterRecord(RecordText.View(record), Text(KafkaHeaders.EventType), Text(KafkaHeaders.EventId), failure, record.Message);
    }

    private static int? Int(string? text) => int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static long? Long(string? text) => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;
}
