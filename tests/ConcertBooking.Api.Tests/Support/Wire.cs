namespace ConcertBooking.Api.Tests.Support;

// The API's JSON as a client sees it: enums are the UPPER_SNAKE strings of the contract, not the server's types.

public sealed record TokenBody(string AccessToken, long UserId, string[] Roles);

public sealed record ConcertBody(
    long Id,
    string Name,
    string Venue,
    DateTimeOffset StartsAt,
    DateTimeOffset BookingOpensAt,
    int TotalSeats,
    int AvailableSeats,
    string Status,
    DateTimeOffset? SoldOutAt,
    int MaxTicketsPerFan,
    QueueSettingsBody? Queue = null);

public sealed record QueueSettingsBody(bool Enabled, DateTimeOffset OpensAt, TimeSpan AdmissionWindow, int MaxActiveShoppers, DateTimeOffset? ClosedAt);

public sealed record SeatBody(long Id, string Label, string Section, long Price, string Status);

public sealed record ReservationBody(
    long Id,
    long ConcertId,
    long SeatId,
    long UserId,
    long Amount,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt);

public sealed record PaymentBody(long PaymentId, long ReservationId, long Amount, string Method, string Status, DateTimeOffset PaidAt);

public sealed record BalanceBody(long UserId, long Balance);
