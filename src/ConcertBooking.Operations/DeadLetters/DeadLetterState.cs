namespace ConcertBooking.Operations.DeadLetters;

/// <summary>What operators did with a dead letter. Kafka cannot delete one record, so the state lives in a table;
/// a record with no row there is parked.</summary>
public enum DeadLetterState
{
    Parked,
    Redriven,
    Discarded,
}

/// <summary>
/// An operator's decision about one dead letter. The record's timestamp is part of its identity: an embedded cluster
/// that restarted hands out the same offsets again, to different records.
/// </summary>
public sealed class DeadLetterMark
{
    public long Id { get; init; }

    public required string Topic { get; init; }

    public required int Partition { get; init; }

    public required long Offset { get; init; }

    public required long TimestampMs { get; init; }

    public required DeadLetterState State { get; init; }

    public required DateTimeOffset At { get; init; }

    public required string By { get; init; }
}
