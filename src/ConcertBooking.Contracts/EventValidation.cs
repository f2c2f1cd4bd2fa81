namespace ConcertBooking.Contracts;

/// <summary>
/// The contract every event must meet before a consumer acts on it, beyond being well-formed JSON: it arrived on its
/// own topic, its ids are positive, its amounts and counts are within what the booking service can produce, its
/// timestamps are plausible and its required text is present. Anyone who can write to a topic can put a record on
/// it, so a consumer that skips this check lets that writer change its read model.
/// </summary>
public static class EventValidation
{
    /// <summary>The highest seat price the booking service accepts, so the highest amount an event can carry.</summary>
    public const long MaxAmount = 100_000_000;

    /// <summary>The most seats a concert can have.</summary>
    public const int MaxSeats = 100_000;

    public const int MaxEmailLength = 254;

    public const int MaxNameLength = 200;

    /// <summary>The payment methods the booking service records.</summary>
    public static readonly IReadOnlySet<string> PaymentMethods = new HashSet<string>(StringComparer.Ordinal) { "POINTS" };

    /// <summary>The longest shopping turn a waiting room grants.</summary>
    public static readonly TimeSpan MaxAdmissionWindow = TimeSpan.FromHours(2);

    /// <summary>The longest hold the booking service grants.</summary>
    public static readonly TimeSpan MaxHold = TimeSpan.FromDays(1);

    /// <summary>No event of this system is older than this.</summary>
    public static readonly DateTimeOffset Epoch = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How far a producer's clock may run ahead of the consumer's.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Checks <paramref name="event"/>, read from <paramref name="topic"/>, against its contract.
    /// </summary>
    /// <param name="topic">The topic the record was read from (not a dead-letter topic).</param>
    /// <param name="event">The decoded event.</param>
    /// <param name="now">The consumer's clock: no event may claim to have happened more than
    /// <see cref="MaxClockSkew"/> after it.</param>
    /// <returns>null when the event is valid; otherwise why not, in one sentence for the dead-letter record.</returns>
    public static string? Validate(string topic, IntegrationEvent @event, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(@event);
        if (!string.Equals(topic, @event.Topic, StringComparison.Ordinal))
        {
            return $"{@event.EventType} belongs on {@event.Topic}, not on {topic}.";
        }

        if (@event.EventId == Guid.Empty)
        {
            return "eventId is empty.";
        }

        return Timestamp(@event.OccurredAt, "occurredAt", now) ?? @event switch
        {
            ReservationCreated e => Ids((e.ReservationId, "reservationId"), (e.UserId, "userId"), (e.ConcertId, "concertId"), (e.SeatId, "seatId"))
                ?? Amount(e.Amount)
                ?? Text(e.UserEmail, "userEmail", MaxEmailLength)
                ?? Email(e.UserEmail)
                ?? Text(e.ConcertName, "concertName", MaxNameLength)
                ?? (e.ExpiresAt <= e.OccurredAt || e.ExpiresAt > e.OccurredAt + MaxHold
                    ? $"expiresAt {e.ExpiresAt:O} is not within {MaxHold.TotalHours:0} h after occurredAt." : null),
            ReservationCancelled e => Ids((e.ReservationId, "reservationId"), (e.UserId, "userId"), (e.ConcertId, "concertId"), (e.SeatId, "seatId")),
            ReservationExpired e => Ids((e.ReservationId, "reservationId"), (e.UserId, "userId"), (e.ConcertId, "concertId"), (e.SeatId, "seatId")),
            PaymentCompleted e => Ids((e.PaymentId, "paymentId"), (e.ReservationId, "reservationId"), (e.UserId, "userId"))
                ?? Amount(e.Amount)
                ?? (PaymentMethods.Contains(e.PaymentMethod) ? null : $"paymentMethod '{Shorten(e.PaymentMethod)}' is not one the booking service records."),
            ConcertSoldOut e => Ids((e.ConcertId, "concertId"))
                ?? Text(e.ConcertName, "concertName", MaxNameLength)
                ?? (e.TotalSeats is < 1 or > MaxSeats ? $"totalSeats {e.TotalSeats} is outside 1..{MaxSeats}." : null)
                ?? Timestamp(e.BookingStartTime, "bookingStartTime", now)
                ?? Timestamp(e.SoldOutTime, "soldOutTime", now)
                ?? (e.SoldOutTime < e.BookingStartTime ? "soldOutTime is before bookingStartTime." : null),
            QueueJoined e => Ids((e.ConcertId, "concertId"), (e.UserId, "userId"))
                ?? (e.UserEmail is null ? null : Text(e.UserEmail, "userEmail", MaxEmailLength) ?? Email(e.UserEmail)),
            FanAdmitted e => Ids((e.ConcertId, "concertId"), (e.UserId, "userId"), (e.Number, "number"))
                ?? (double.IsFinite(e.WaitedSeconds) && e.WaitedSeconds >= 0 && e.WaitedSeconds <= (e.OccurredAt - Epoch).TotalSeconds
                    ? null : $"waitedSeconds {e.WaitedSeconds} is not a wait that ended at occurredAt.")
                ?? (e.AdmittedUntil <= e.OccurredAt || e.AdmittedUntil > e.OccurredAt + MaxAdmissionWindow
                    ? $"admittedUntil {e.AdmittedUntil:O} is not within {MaxAdmissionWindow.TotalHours:0} h after occurredAt." : null),
            QueueClosed e => Ids((e.ConcertId, "concertId"))
                ?? Text(e.ConcertName, "concertName", MaxNameLength)
                ?? (e.WaitingUserIds.Any(id => id <= 0) ? "waitingUserIds holds an id that is not positive." : null)
                ?? (e.WaitingUserIds.Distinct().Count() != e.WaitingUserIds.Count ? "waitingUserIds names a fan twice." : null),
            _ => $"{@event.GetType().Name} has no contract.",
        };
    }

    private static string? Ids(params ReadOnlySpan<(long Value, string Name)> ids)
    {
        foreach (var (value, name) in ids)
        {
            if (value <= 0)
            {
                return $"{name} {value} is not a positive id.";
            }
        }

        return null;
    }

    private static string? Amount(long amount) =>
        amount is < 0 or > MaxAmount ? $"amount {amount} is outside 0..{MaxAmount}." : null;

    private static string? Timestamp(DateTimeOffset value, string name, DateTimeOffset now) =>
        value < Epoch ? $"{name} {value:O} is before {Epoch:yyyy-MM-dd}."
        : value > now + MaxClockSkew ? $"{name} {value:O} is in the future."
        : null;

    private static string? Text(string? value, string name, int max) =>
        string.IsNullOrWhiteSpace(value) ? $"{name} is missing."
        : value.Length > max ? $"{name} is longer than {max} characters."
        : value.Any(char.IsControl) ? $"{name} contains control characters."
        : null;

    private static string? Email(string value)
    {
        var at = value.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == value.LastIndexOf('@') && at < value.Length - 1 ? null : "userEmail is not an email address.";
    }

    private static string Shorten(string? value) =>
        value is null ? "" : value.Length <= 20 ? value : value[..20] + "…";
}
