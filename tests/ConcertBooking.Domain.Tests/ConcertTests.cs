using ConcertBooking.Domain.Common;
using ConcertBooking.Domain.Concerts;

namespace ConcertBooking.Domain.Tests;

public sealed class ConcertTests
{
    [Fact]
    public void Create_letters_rows_across_sections_and_numbers_seats_from_one()
    {
        var (concert, seats) = Concert.Create(
            "IU: The Golden Hour",
            "Olympic Gymnastics Arena",
            Given.Start.AddDays(30),
            Given.Start,
            [new SectionSpec("VIP", 2, 3, 165_000), new SectionSpec("R", 1, 2, 132_000)],
            Given.Start);

        Assert.Equal(["A-1", "A-2", "A-3", "B-1", "B-2", "B-3", "C-1", "C-2"], seats.Select(s => s.Label));
        Assert.Equal(["VIP", "VIP", "VIP", "VIP", "VIP", "VIP", "R", "R"], seats.Select(s => s.Section));
        Assert.Equal([165_000, 165_000, 165_000, 165_000, 165_000, 165_000, 132_000, 132_000], seats.Select(s => s.Price));
        Assert.All(seats, s => Assert.Equal(SeatStatus.Available, s.Status));
        Assert.Equal(8, concert.TotalSeats);
        Assert.Equal(0, concert.SoldSeats);
        Assert.Null(concert.SoldOutAt);
    }

    [Fact]
    public void Create_continues_row_letters_past_Z_so_labels_stay_unique()
    {
        var (_, seats) = Concert.Create(
            "Big Hall", "Gocheok Sky Dome", Given.Start.AddDays(30), Given.Start,
            [new SectionSpec("Floor", 703, 1, 10_000)], Given.Start);

        Assert.Equal("Z-1", seats[25].Label);
        Assert.Equal("AA-1", seats[26].Label);
        Assert.Equal("ZZ-1", seats[701].Label);
        Assert.Equal("AAA-1", seats[702].Label);
        Assert.Equal(seats.Count, seats.Select(s => s.Label).Distinct().Count());
    }

    [Fact]
    public void Create_trims_names_and_keeps_the_times_it_was_given()
    {
        var startsAt = Given.Start.AddDays(30);
        var (concert, seats) = Concert.Create(
            "  Jazz Night ", " Club Evans  ", startsAt, Given.Start, [new SectionSpec(" Floor ", 1, 1, 0)], Given.Start.AddHours(-2));

        Assert.Equal("Jazz Night", concert.Name);
        Assert.Equal("Club Evans", concert.Venue);
        Assert.Equal("Floor", Assert.Single(seats).Section);
        Assert.Equal(startsAt, concert.StartsAt);
        Assert.Equal(Given.Start, concert.BookingOpensAt);
        Assert.Equal(Given.Start.AddHours(-2), concert.CreatedAt);
    }

    [Fact]
    public void Create_allows_exactly_the_maximum_number_of_seats()
    {
        var (concert, _) = Concert.Create(
            "Festival", "Jamsil", Given.Start.AddDays(30), Given.Start, [new SectionSpec("GA", 100, 1000, 99_000)], Given.Start);

        Assert.Equal(Concert.MaxSeats, concert.TotalSeats);
    }

    [Theory]
    [InlineData("", "Venue", "Floor", 1, 1, 0L, 0)]
    [InlineData("   ", "Venue", "Floor", 1, 1, 0L, 0)]
    [InlineData("Name", "", "Floor", 1, 1, 0L, 0)]
    [InlineData("Name", "Venue", "", 1, 1, 0L, 0)]
    [InlineData("Name", "Venue", "Floor", 0, 1, 0L, 0)]
    [InlineData("Name", "Venue", "Floor", 1001, 1, 0L, 0)]
    [InlineData("Name", "Venue", "Floor", 1, 0, 0L, 0)]
    [InlineData("Name", "Venue", "Floor", 1, 1001, 0L, 0)]
    [InlineData("Name", "Venue", "Floor", 1, 1, -1L, 0)]
    [InlineData("Name", "Venue", "Floor", 1, 1, 100_000_001L, 0)]
    [InlineData("Name", "Venue", "Floor", 1, 1, 0L, 1)]
    public void Create_refuses_invalid_input(string name, string venue, string section, int rows, int seatsPerRow, long price, int opensHoursAfterStart)
    {
        var startsAt = Given.Start.AddDays(1);

        var error = Assert.Throws<BookingException>(() => Concert.Create(
            name, venue, startsAt, startsAt.AddHours(opensHoursAfterStart), [new SectionSpec(section, rows, seatsPerRow, price)], Given.Start)).Error;

        Assert.Equal(ErrorKind.Validation, error.Kind);
        Assert.Equal("validation", error.Type);
    }

    [Theory]
    [InlineData(201, 1, 1)]
    [InlineData(1, 201, 1)]
    [InlineData(1, 1, 51)]
    public void Create_refuses_overlong_names(int nameLength, int venueLength, int sectionLength)
    {
        var error = Assert.Throws<BookingException>(() => Concert.Create(
            new string('n', nameLength), new string('v', venueLength), Given.Start.AddDays(1), Given.Start,
            [new SectionSpec(new string('s', sectionLength), 1, 1, 0)], Given.Start)).Error;

        Assert.Equal("validation", error.Type);
    }

    [Fact]
    public void Create_refuses_no_sections_and_too_many_seats()
    {
        Assert.Equal("validation", Assert.Throws<BookingException>(() => Concert.Create(
            "Name", "Venue", Given.Start.AddDays(1), Given.Start, [], Given.Start)).Error.Type);

        var tooMany = Assert.Throws<BookingException>(() => Concert.Create(
            "Name", "Venue", Given.Start.AddDays(1), Given.Start,
            [new SectionSpec("A", 100, 1000, 0), new SectionSpec("B", 1, 1, 0)], Given.Start)).Error;
        Assert.Equal("validation", tooMany.Type);
        Assert.Contains("100,000", tooMany.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_is_scheduled_until_booking_opens_then_on_sale()
    {
        var (concert, _) = Given.ConcertOpeningAt(Given.Start);

        Assert.Equal(ConcertStatus.Scheduled, concert.StatusAt(Given.Start.AddTicks(-1)));
        Assert.Equal(ConcertStatus.OnSale, concert.StatusAt(Given.Start));
        Assert.Equal(ConcertStatus.OnSale, concert.StatusAt(Given.Start.AddDays(60)));
    }

    [Fact]
    public void EnsureOpenForBooking_refuses_before_booking_opens()
    {
        var (concert, seats) = Given.ConcertOpeningAt(Given.Start.AddHours(1));

        var error = Assert.Throws<BookingException>(() => concert.EnsureOpenForBooking(seats[0].Id, Given.Start)).Error;

        Assert.Equal(ErrorKind.Conflict, error.Kind);
        Assert.Equal("booking-not-open", error.Type);
        concert.EnsureOpenForBooking(seats[0].Id, Given.Start.AddHours(1));
    }

    [Fact]
    public void MarkSoldOutIfFull_does_nothing_while_seats_remain_unsold()
    {
        var (concert, _) = Given.OnSaleConcert();

        concert.MarkSoldOutIfFull(Given.Start);

        Assert.Null(concert.SoldOutAt);
        Assert.Empty(concert.DomainEvents);
        Assert.Equal(ConcertStatus.OnSale, concert.StatusAt(Given.Start));
    }
}
