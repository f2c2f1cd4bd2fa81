namespace ConcertBooking.Domain.Common;

public enum ErrorKind
{
    Validation,
    NotFound,
    Forbidden,
    Conflict,
}

/// <summary>A broken business rule, with a stable slug that clients can switch on.</summary>
/// <param name="Extensions">Further members of the problem response (e.g. a fan's place in the queue).</param>
public sealed record BookingError(ErrorKind Kind, string Type, string Title, string Detail, IReadOnlyDictionary<string, object?>? Extensions = null);

public sealed class BookingException(BookingError error) : Exception(error.Detail)
{
    public BookingError Error { get; } = error;
}

/// <summary>Every business error the booking core can report; the slugs are part of the public API.</summary>
public static class BookingErrors
{
    public static BookingException NotFound(string what, long id) =>
        new(new(ErrorKind.NotFound, "not-found", $"{what} not found", $"{what} {id} does not exist."));

    /// <summary>A seat id that is no seat of the concert asked for (another concert's, or none at all).</summary>
    public static BookingException SeatNotInConcert(long seatId, long concertId) =>
        new(new(ErrorKind.NotFound, "not-found", "Seat not found", $"Seat {seatId} is not a seat of concert {concertId}."));

    public static BookingException Forbidden(string detail) =>
        new(new(ErrorKind.Forbidden, "forbidden", "Forbidden", detail));

    public static BookingException Validation(string detail) =>
        new(new(ErrorKind.Validation, "validation", "Invalid request", detail));

    public static BookingException SeatUnavailable(long seatId) =>
        new(new(ErrorKind.Conflict, "seat-unavailable", "Seat unavailable", $"Seat {seatId} is held or sold."));

    public static BookingException BookingNotOpen(long concertId, DateTimeOffset opensAt) =>
        new(new(ErrorKind.Conflict, "booking-not-open", "Booking not open",
            $"Booking for concert {concertId} opens at {opensAt:O}."));

    public static BookingException ReservationNotHeld(long reservationId, string status) =>
        new(new(ErrorKind.Conflict, "reservation-not-held", "Reservation not held",
            $"Reservation {reservationId} is {status}, not HELD."));

    public static BookingException ReservationExpired(long reservationId) =>
        new(new(ErrorKind.Conflict, "reservation-expired", "Reservation expired",
            $"The hold on reservation {reservationId} has expired."));

    public static BookingException InsufficientBalance(long balance, long amount) =>
        new(new(ErrorKind.Conflict, "insufficient-balance", "Insufficient balance",
            $"The balance is {balance} KRW; {amount} KRW is needed."));

    public static BookingException TicketLimitReached(long concertId, int limit) =>
        new(new(ErrorKind.Conflict, "ticket-limit-reached", "Ticket limit reached",
            $"A fan may hold or own at most {limit} seats of concert {concertId}; pay for or cancel one first."));

    public static BookingException EmailTaken(string email) =>
        new(new(ErrorKind.Conflict, "email-taken", "Email taken", $"{email} is already registered."));
}
