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
    /// <summary>When the hold lapses unless paid. Absent from events written before it existed; readers then take
    /// the hold duration they know.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

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
