using ConcertBooking.Api.Features.Queue;
using ConcertBooking.Domain.Concerts;

namespace ConcertBooking.Api.Features.Concerts;

public sealed record ConcertDto(
    long Id,
    string Name,
    string Venue,
    DateTimeOffset StartsAt,
    DateTimeOffset BookingOpensAt,
    int TotalSeats,
    int AvailableSeats,
    ConcertStatus Status,
    DateTimeOffset? SoldOutAt,
    int MaxTicketsPerFan,
    QueueSettingsDto? Queue = null);

public sealed record SeatDto(long Id, string Label, string Section, long Price, SeatStatus Status);

public sealed record SectionRequest(string? Name, int? Rows, int? SeatsPerRow, long? Price);

public sealed record CreateConcertRequest(
    string? Name,
    string? Venue,
    DateTimeOffset? StartsAt,
    DateTimeOffset? BookingOpensAt,
    List<SectionRequest>? Sections,
    int? MaxTicketsPerFan = null,
    QueueSettingsRequest? Queue = null);

/// <summary>The box office's changes to a concert's sales rules; absent fields stay as they are.</summary>
public sealed record UpdateConcertRequest(int? MaxTicketsPerFan, QueueSettingsRequest? Queue);
