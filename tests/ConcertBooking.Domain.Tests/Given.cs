using ConcertBooking.Domain.Concerts;
using ConcertBooking.Domain.Users;

namespace ConcertBooking.Domain.Tests;

/// <summary>Small worlds to test rules in: one fan, and concerts whose booking opened an hour before <see cref="Start"/>.</summary>
internal static class Given
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 11, 0, 0, TimeSpan.Zero);

    public static readonly TimeSpan HoldDuration = TimeSpan.FromMinutes(5);

    public static User Fan(string email = "fan@example.com") => new(email, "Minji Kim", Start);

    public static (Concert Concert, List<Seat> Seats) OnSaleConcert(int seats = 3, long price = 45_000) =>
        Concert.Create(
            "Jazz Night",
            "Club Evans",
            Start.AddDays(7),
            Start.AddHours(-1),
            [new SectionSpec("Floor", 1, seats, price)],
            Start.AddDays(-1));

    public static (Concert Concert, List<Seat> Seats) ConcertOpeningAt(DateTimeOffset bookingOpensAt) =>
        Concert.Create(
            "Stadium Tour",
            "Busan Asiad",
            bookingOpensAt.AddDays(30),
            bookingOpensAt,
            [new SectionSpec("VIP", 1, 2, 220_000)],
            Start.AddDays(-1));
}
