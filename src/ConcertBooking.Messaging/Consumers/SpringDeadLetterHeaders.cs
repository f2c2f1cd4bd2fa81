using System.Buffers.Binary;
using System.Text;
using Confluent.Kafka;

namespace ConcertBooking.Messaging.Consumers;

/// <summary>
/// The failure headers of Spring Kafka's <c>DeadLetterPublishingRecoverer</c>, beside our own: names as in Spring's
/// <c>KafkaHeaders</c>, strings in UTF-8, the partition as a 4-byte and the offset and timestamp (Unix milliseconds)
/// as 8-byte big-endian integers, as Java's <c>ByteBuffer</c> writes them.
/// </summary>
internal static class SpringDeadLetterHeaders
{
    public static void Add(Headers headers, string groupId, DeadLetter record, Exception error)
    {
        headers.Add(KafkaHeaders.SpringOriginalTopic, Encoding.UTF8.GetBytes(record.Topic));
        var partition = new byte[sizeof(int)];
        BinaryPrimitives.WriteInt32BigEndian(partition, record.Partition);
        headers.Add(KafkaHeaders.SpringOriginalPartition, partition);
        headers.Add(KafkaHeaders.SpringOriginalOffset, Int64(record.Offset));
        if (record.TimestampMs is { } timestamp)
        {
            headers.Add(KafkaHeaders.SpringOriginalTimestamp, Int64(timestamp));
            headers.Add(KafkaHeaders.SpringOriginalTimestampType, "CreateTime"u8.ToArray());
        }

        headers.Add(KafkaHeaders.SpringOriginalConsumerGroup, Encoding.UTF8.GetBytes(groupId));
        headers.Add(KafkaHeaders.SpringExceptionFqcn, Encoding.UTF8.GetBytes(error.GetType().FullName ?? error.GetType().Name));
        headers.Add(KafkaHeaders.SpringExceptionMessage, Encoding.UTF8.GetBytes(error.Message));
    }

    private static byte[] Int64(long value)
    {
        var bytes = new byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }
}
