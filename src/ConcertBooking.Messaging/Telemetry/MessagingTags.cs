using System.Globalization;

namespace ConcertBooking.Messaging.Telemetry;

/// <summary>Attribute names of OpenTelemetry's messaging conventions, on metrics and spans alike.</summary>
public static class MessagingTags
{
    public const string MessagingSystem = "messaging.system";
    public const string SystemKafka = "kafka";
    public const string OperationName = "messaging.operation.name";
    public const string OperationType = "messaging.operation.type";
    public const string DestinationName = "messaging.destination.name";
    public const string PartitionId = "messaging.destination.partition.id";
    public const string ConsumerGroup = "messaging.consumer.group.name";
    public const string MessageId = "messaging.message.id";
    public const string MessageKey = "messaging.kafka.message.key";
    public const string Offset = "messaging.kafka.offset";
    public const string BatchCount = "messaging.batch.message_count";
    public const string ErrorType = "error.type";

    /// <summary>Partition ids as attribute values, without a string per record.</summary>
    public static string Partition(int partition) =>
        (uint)partition < (uint)PartitionNames.Length ? PartitionNames[partition] : partition.ToString(CultureInfo.InvariantCulture);

    private static readonly string[] PartitionNames = Enumerable.Range(0, 64).Select(p => p.ToString(CultureInfo.InvariantCulture)).ToArray();
}
