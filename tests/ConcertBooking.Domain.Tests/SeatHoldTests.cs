using ConcertBooking.Domain.Common;
using ConcertBooking.Domain.Concerts;
using ConcertBooking.Domain.Reservations;
using Microsoft.Extensions.Time.Testing;

namespace ConcertBooking.Domain.Tests;

/// <summary>Seats change only through reservations; these tests watch the seat side of holds and releases.</summary>
public sealed class SeatHoldTests
{
    private readonly FakeTimeProvider _clock = new(Given.Start);

    [Fact]
    public void Holding_marks_the_seat_held_until_the_hold_expires()
    {
        var (concert, seats) = Given.OnSaleConcert();
        var seat = seats[0];

        var reservation = Reservation.Hold(Given.Fan(), concert, seat, Given.HoldDuration, _clock.GetUtcNow());

        Assert.Equal(SeatStatus.Held, seat.Status);
        Assert.Equal(reservation.ExpiresAt, seat.HeldUntil);
        Assert.Equal(SeatStatus.Held, seat.StatusAt(_clock.GetUtcNow()));
        Assert.Equal(1, seat.Version);
    }

    [Fact]
    public void A_held_seat_reads_available_once_its_hold_lapses()
    {
        var (concert, seats) = Given.OnSaleConcert();
        var seat = seats[0];
        Reservation.Hold(Given.Fan(), concert, seat, Given.HoldDuration, _clock.GetUtcNow());

        _clock.Advance(Given.HoldDuration - TimeSpan.FromTicks(1));
        Assert.Equal(SeatStatus.Held, seat.StatusAt(_clock.GetUtcNow()));

        _clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(SeatStatus.Available, seat.StatusAt(_clock.GetUtcNow()));
        Assert.Equal(SeatStatus.Held, seat.Status);
    }

    [Fact]
    public void A_seat_with_a_live_hold_cannot_be_held_again()
    {
        var (concert, seats) = Given.OnSaleConcert();
        Reservation.Hold(Given.Fan("first@example.com"), concert, seats[0], Given.HoldDuration, _clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromMinutes(4));

        var error = Assert.Throws<BookingException>(() =>
            Reservation.Hold(Given.Fan("second@example.com"), concert, seats[0], Given.HoldDuration, _clock.GetUtcNow())).Error;

        Assert.Equal(ErrorKind.Conflict, error.Kind);
        Assert.Equal("seat-unavailable", error.Type);
        Assert.Equal(Given.Start + Given.HoldDuration, seats[0].HeldUntil);
    }

    [Fact]
    public void A_seat_whose_hold_lapsed_can_be_held_by_someone_else()
    {
        var (concert, seats) = Given.OnSaleConcert();
        var seat = seats[0];
        Reservation.Hold(Given.Fan("first@example.com"), concert, seat, Given.HoldDuration, _clock.GetUtcNow());
        _clock.Advance(Given.HoldDuration);

        var second = Reservation.Hold(Given.Fan("second@example.com"), concert, seat, Given.HoldDuration, _clock.GetUtcNow());

        Assert.Equal(SeatStatus.Held, seat.Status);
        Assert.Equal(second.ExpiresAt, seat.HeldUntil);
        Assert.Equal(2, seat.Version);
    }

    [Fact]
    public void A_sold_seat_cannot_be_held()
    {
        var (concert, seats) = Given.OnSaleConcert();
        var reservation = Reservation.Hold(Given.Fan(), concert, seats[0], Given.HoldDuration, _clock.GetUtcNow());
        reservation.Confirm(seats[0], _clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromHours(1));

        var error = Assert.Throws<BookingException>(() =>
            Reservation.Hold(Given.Fan("late@example.com"), concert, seats[0], Given.HoldDuration, _clock.GetUtcNow())).Error;

        Assert.Equal("seat-unavailable", error.Type);
        Assert.Equal(SeatStatus.Sold, seats[0].StatusAt(_clock.GetUtcNow()));
    }

    [Fact]
    public void Cancelling_releases_the_seat()
    {
        var (concert, seats) = Given.OnSaleConcert();
        var reservation = Reservation.Hold(Given.Fan(), concert, seats[0], Given.HoldDuration, _clock.GetUtcNow());

        reservation.Cancel(seats[0], _clock.GetUtcNow());

        Assert.Equal(SeatStatus.Available, seats[0].Status);
        Assert.Null(seats[0].HeldUntil);
        Assert.Equal(2, seats[0].Version);
    }
}
