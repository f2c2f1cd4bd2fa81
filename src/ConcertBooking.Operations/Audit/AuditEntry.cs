namespace ConcertBooking.Operations.Audit;

/// <summary>One operator action: who (from the token), when, what and on what.</summary>
public sealed class AuditEntry
{
    public long Id { get; init; }

    public required DateTimeOffset At { get; init; }

    public required string By { get; init; }

    public required string Action { get; init; }

    public required string Target { get; init; }

    public required string Detail { get; init; }
}
