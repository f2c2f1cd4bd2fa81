namespace ConcertBooking.Contracts;

public sealed record ReservationCreated(
    long ReservationId,
    long UserId,
    long ConcertId,
    long SeatId,
    long Amount,
    string UserEmail,
    string ConcertName) : IntegrationEvent
{
    /// <summary>When the hold lapses unless paid. Required from schema version 2; a version 1 event without it is
    /// upcast to occurredAt plus the hold duration.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    protected override EventRoute Route => new(EventTypes.ReservationCreated, Topics.ReservationEvents, $"reservation-{ReservationId}");
}

public sealed record ReservationCancelled(long ReservationId, long UserId, long ConcertId, long SeatId) : IntegrationEvent
{
    protected override EventRoute Route => new(EventTypes.ReservationCancelled, Topics.ReservationEvents, $"reservation-{ReservationId}");
}

public sealed record ReservationExpired(long ReservationId, long UserId, long ConcertId, long SeatId) : IntegrationEvent
{
    protected override EventRoute Route => new(EventTypes.ReservationExpired, Topics.ReservationEvents, $"reservation-{ReservationId}");
}

public sealed record PaymentCompleted(
    long PaymentId,
    long ReservationId,
    long UserId,
    long Amount,
    string PaymentMethod) : IntegrationEvent
{
    protected override EventRoute Route => new(EventTypes.PaymentCompleted, Topics.PaymentEvents, $"payment-{PaymentId}");
}

public sealed record ConcertSoldOut(
    long ConcertId,
    string ConcertName,
    DateTimeOffset SoldOutTime,
    DateTimeOffset BookingStartTime,
    int TotalSeats) : IntegrationEvent
{
    protected override EventRoute Route => new(EventTypes.ConcertSoldOut, Topics.ConcertEvents, $"concert-{ConcertId}");
}

/// <summary>A fan joined a concert's waiting room; <see cref="PreQueue"/> when before booking opened (their place is
/// drawn at the opening second).</summary>
public sealed record QueueJoined(long ConcertId, long UserId, bool PreQueue) : IntegrationEvent
{
    /// <summary>Where the fan is told if the queue closes before their turn. Absent from events written before it
    /// existed; such a fan is told in no mail.</summary>
    public string? UserEmail { get; init; }

    protected override EventRoute Route => new(EventTypes.QueueJoined, Topics.ConcertEvents, $"concert-{ConcertId}");
}

/// <summary>A waiting fan was let in to shop until <see cref="AdmittedUntil"/>, after waiting
/// <see cref="WaitedSeconds"/> since joining (or since booking opened, for the pre-queue).</summary>
public sealed record FanAdmitted(long ConcertId, long UserId, long Number, double WaitedSeconds, DateTimeOffset AdmittedUntil) : IntegrationEvent
{
    protected override EventRoute Route => new(EventTypes.FanAdmitted, Topics.ConcertEvents, $"concert-{ConcertId}");
}

/// <summary>The waiting room closed because the concert sold out; <see cref="WaitingUserIds"/> were still waiting.</summary>
public sealed record QueueClosed(long ConcertId, string ConcertName, IReadOnlyList<long> WaitingUserIds) : IntegrationEvent
{
    protected override EventRoute Route => new(EventTypes.QueueClosed, Topics.ConcertEvents, $"concert-{ConcertId}");
}
