using ConcertBooking.Operations.Messages;

namespace ConcertBooking.Operations.DeadLetters;

/// <summary>A dead letter as the API shows it: the record, why and where it failed, and what operators did with it.</summary>
public sealed record DeadLetterItem(
    string Topic,
    int Partition,
    long Offset,
    DateTimeOffset Timestamp,
    string? Key,
    string? EventType,
    string? EventId,
    string? Value,
    IReadOnlyDictionary<string, string?> Headers,
    DeadLetterFailure Failure,
    DeadLetterState State,
    DateTimeOffset? StateChangedAt,
    string? StateChangedBy);

/// <summary>Where the record came from and why its group gave up on it (attempts 0: it could never be handled).</summary>
public sealed record DeadLetterFailure(
    string OriginalTopic,
    int? OriginalPartition,
    long? OriginalOffset,
    string? Group,
    int? Attempts,
    string? Exception,
    string? Reason,
    DateTimeOffset? FailedAt);

public sealed record DeadLetterPage(IReadOnlyList<DeadLetterItem> Items);

/// <summary>Which dead letters a listing, redrive or discard is about; null fields match everything.</summary>
public sealed record DeadLetterFilter(string? Topic, string? Group, string? EventType)
{
    public bool Matches(DeadLetterRecord record) =>
        (Topic is null || record.View.Topic == Topic)
        && (Group is null || record.Failure.Group == Group)
        && (EventType is null || record.EventType == EventType);
}

/// <summary>One dead letter as read from its topic, with the raw record kept for a redrive.</summary>
public sealed record DeadLetterRecord(MessageView View, string? EventType, string? EventId, DeadLetterFailure Failure, Confluent.Kafka.Message<byte[]?, byte[]?> Message)
{
    public long TimestampMs => Message.Timestamp.UnixTimestampMs;

    public string Position => $"{View.Topic}/{View.Partition}/{View.Offset}";
}
