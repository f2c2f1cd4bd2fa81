using System.Globalization;
using System.Text;
using ConcertBooking.Contracts;
using ConcertBooking.Messaging.Telemetry;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ConcertBooking.Messaging.Consumers;

/// <summary>A record to park on its dead-letter topic, as it came: from Kafka, or (an event recovered from elsewhere,
/// offset -1) re-encoded from the event.</summary>
internal sealed record DeadLetter(string Topic, int Partition, long Offset, long? TimestampMs, string? Key, byte[]? Value, Headers Headers)
{
    public static DeadLetter Of(ConsumeResult<string?, byte[]?> record) => new(
        record.Topic, record.Partition.Value, record.Offset.Value, record.Message.Timestamp.UnixTimestampMs,
        record.Message.Key, record.Message.Value, record.Message.Headers ?? []);

    public static DeadLetter Of(ConsumedEvent consumed) => new(
        consumed.Topic, consumed.Partition, consumed.Offset, consumed.TimestampMs, consumed.Key,
        consumed.Value.IsEmpty ? EventSerializer.SerializeToUtf8Bytes(consumed.Event) : consumed.Value.ToArray(),
        consumed.RecordHeaders());
}

/// <summary>
/// Parks a record on <c>&lt;topic&gt;.DLT</c> with its original key, value and headers, plus headers that say where
/// it came from and why it failed: ours (<c>dlt.*</c>, text) and Spring Kafka's (<c>kafka_dlt-*</c>, encoded as
/// Spring's <c>DeadLetterPublishingRecoverer</c> writes them), so tools that know Spring's read them too. Retries
/// until the dead letter is stored: the offset moves past the record only once it is safe.
/// </summary>
internal sealed partial class DeadLetterPublisher(
    KafkaConnection connection, MessagingMetrics metrics, TimeProvider clock, ILogger<DeadLetterPublisher> logger)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    public async Task PublishAsync(string groupId, DeadLetter record, Exception error, int attempts, CancellationToken stoppingToken)
    {
        var headers = new Headers();
        foreach (var header in record.Headers)
        {
            headers.Add(header.Key, header.GetValueBytes());
        }

        void Add(string key, string value) => headers.Add(key, Encoding.UTF8.GetBytes(value));
        Add(KafkaHeaders.DeadLetterOriginalTopic, record.Topic);
        Add(KafkaHeaders.DeadLetterOriginalPartition, record.Partition.ToString(CultureInfo.InvariantCulture));
        Add(KafkaHeaders.DeadLetterOriginalOffset, record.Offset.ToString(CultureInfo.InvariantCulture));
        Add(KafkaHeaders.DeadLetterGroup, groupId);
        Add(KafkaHeaders.DeadLetterExceptionType, error.GetType().FullName ?? error.GetType().Name);
        Add(KafkaHeaders.DeadLetterExceptionMessage, error.Message);
        Add(KafkaHeaders.DeadLetterAttempts, attempts.ToString(CultureInfo.InvariantCulture));
        Add(KafkaHeaders.DeadLetterFailedAt, clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        SpringDeadLetterHeaders.Add(headers, groupId, record, error);

        var message = new Message<string?, byte[]?> { Key = record.Key, Value = record.Value, Headers = headers };
        var deadLetterTopic = TopicNames.DeadLetterFor(record.Topic);
        for (var backoff = TimeSpan.FromMilliseconds(200); ; backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks)))
        {
            try
            {
                await connection.DeadLetterProducer.ProduceAsync(deadLetterTopic, message, CancellationToken.None);
                metrics.DeadLettered.Add(1, MessagingMetrics.GroupTag(groupId), new(MessagingTags.DestinationName, deadLetterTopic));
                LogDeadLettered(groupId, new TopicPartitionOffset(record.Topic, record.Partition, record.Offset), deadLetterTopic, error.Message);
                return;
            }
            catch (ProduceException<string?, byte[]?> ex)
            {
                LogDeadLetterFailed(ex, groupId, deadLetterTopic);
                stoppingToken.ThrowIfCancellationRequested();
                await Task.Delay(backoff, clock, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{GroupId}: {Position} parked on {DeadLetterTopic}: {Reason}")]
    private partial void LogDeadLettered(string groupId, TopicPartitionOffset position, string deadLetterTopic, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{GroupId}: producing to {DeadLetterTopic} failed; retrying")]
    private partial void LogDeadLetterFailed(Exception exception, string groupId, string deadLetterTopic);
}
