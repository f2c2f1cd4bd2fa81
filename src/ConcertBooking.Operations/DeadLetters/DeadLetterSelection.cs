namespace ConcertBooking.Operations.DeadLetters;

/// <summary>One dead letter by its place on its topic.</summary>
public sealed record DeadLetterRef(string Topic, int Partition, long Offset)
{
    public override string ToString() => $"{Topic}/{Partition}/{Offset}";
}

/// <summary>What an action applies to: the listed records, the parked records a filter matches, or every parked
/// record.</summary>
public sealed record DeadLetterSelection(IReadOnlyList<DeadLetterRef>? Records, DeadLetterFilter? Filter, bool All)
{
    public string Describe() => Records is not null
        ? string.Join(", ", Records)
        : All ? "all" : $"filter topic={Filter?.Topic ?? "*"} group={Filter?.Group ?? "*"} eventType={Filter?.EventType ?? "*"}";
}

/// <summary>How an action went. Listed records that do not exist or are no longer parked (or too old to redrive
/// safely) refuse the whole action; a filter or <c>all</c> takes only the records it may.</summary>
public sealed record DeadLetterOutcome(
    int Affected,
    int Published,
    int Skipped,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Refused)
{
    public static DeadLetterOutcome Done(int affected, int published, int skipped) => new(affected, published, skipped, [], []);
}
