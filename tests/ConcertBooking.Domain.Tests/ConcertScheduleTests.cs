using ConcertBooking.Domain.Common;
using ConcertBooking.Domain.Concerts;

namespace ConcertBooking.Domain.Tests;

/// <summary>When a concert may be put on sale and how its sections may be named.</summary>
public sealed class ConcertScheduleTests
{
    private static readonly DateTimeOffset Now = Given.Start;

    private static (Concert, List<Seat>) Create(DateTimeOffset startsAt, DateTimeOffset bookingOpensAt, params string[] sections) =>
        Concert.Create("Festival", "Park", startsAt, bookingOpensAt,
            (sections.Length == 0 ? ["GA"] : sections).Select(name => new SectionSpec(name, 1, 1, 10_000)).ToList(), Now);

    public static TheoryData<DateTimeOffset, DateTimeOffset> Accepted => new()
    {
        { Now.AddDays(30), Now },
        { Now.AddDays(30), Now - Concert.ClockTolerance },
        { Now.AddDays(30), Now.AddDays(29) },
        { Now + Concert.Horizon, Now.AddDays(1) },
        { Now.AddTicks(1), Now },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Booking_may_open_now_or_later_for_a_concert_within_the_horizon(DateTimeOffset startsAt, DateTimeOffset bookingOpensAt)
    {
        var (concert, _) = Create(startsAt, bookingOpensAt);

        Assert.Equal(bookingOpensAt, concert.BookingOpensAt);
    }

    public static TheoryData<DateTimeOffset, DateTimeOffset, string> Refused => new()
    {
        { new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(1), new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero), "bookingOpensAt must not be in the past." },
        { Now.AddDays(30), Now - Concert.ClockTolerance - TimeSpan.FromTicks(1), "bookingOpensAt must not be in the past." },
        { Now.AddDays(30), Now.AddDays(-365), "bookingOpensAt must not be in the past." },
        { Now.AddDays(1), Now.AddDays(1), "bookingOpensAt must be before startsAt." },
        { Now.AddDays(1), Now.AddDays(2), "bookingOpensAt must be before startsAt." },
        { Now + Concert.Horizon + TimeSpan.FromTicks(1), Now, "startsAt must be within 3 years from now." },
        { new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero), Now.AddDays(1), "startsAt must be within 3 years from now." },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_concert_in_the_past_backwards_or_beyond_the_horizon_is_refused(DateTimeOffset startsAt, DateTimeOffset bookingOpensAt, string detail)
    {
        var error = Assert.Throws<BookingException>(() => Create(startsAt, bookingOpensAt)).Error;

        Assert.Equal((ErrorKind.Validation, detail), (error.Kind, error.Detail));
    }

    [Theory]
    [InlineData("VIP", "VIP")]
    [InlineData("VIP", "vip")]
    [InlineData("VIP", " VIP ")]
    public void Section_names_are_unique_ignoring_case_and_surrounding_spaces(string first, string second)
    {
        var error = Assert.Throws<BookingException>(() => Create(Now.AddDays(30), Now, first, "R", second)).Error;

        Assert.Equal(ErrorKind.Validation, error.Kind);
        Assert.StartsWith("Section names must be unique", error.Detail, StringComparison.Ordinal);
    }
}
