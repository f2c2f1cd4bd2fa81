using ConcertBooking.Domain.Common;
using ConcertBooking.Domain.Concerts;
using ConcertBooking.Domain.Reservations;
using Microsoft.Extensions.Time.Testing;

namespace ConcertBooking.Domain.Tests;

public sealed class ReservationTests
{
    private readonly FakeTimeProvider _clock = new(Given.Start);

    [Fact]
    public void Hold_records_the_price_and_expiry_and_raises_ReservationHeld()
    {
        var (concert, seats) = Given.OnSaleConcert(price: 45_000);
        var fan = Given.Fan();
        var now = _clock.GetUtcNow();

        var reservation = Reservation.Hold(fan, concert, seats[1], Given.HoldDuration, now);

        Assert.Equal(ReservationStatus.Held, reservation.Status);
        Assert.Equal(45_000, reservation.Amount);
        Assert.Equal(now, reservation.CreatedAt);
        Assert.Equal(now + Given.HoldDuration, reservation.ExpiresAt);
        Assert.Null(reservation.ConfirmedAt);
        Assert.Null(reservation.EndedAt);
        Assert.True(reservation.IsActive);
        var held = Assert.IsType<ReservationHeldDomainEvent>(Assert.Single(reservation.DomainEvents));
        Assert.Same(reservation, held.Reservation);
        Assert.Equal("fan@example.com", held.UserEmail);
        Assert.Equal("Jazz Night", held.ConcertName);
        Assert.Equal(now, held.OccurredAt);
    }

    [Fact]
    public void Hold_before_booking_opens_is_refused_and_leaves_the_seat_alone()
    {
        var (concert, seats) = Given.ConcertOpeningAt(Given.Start.AddMinutes(1));

        var error = Assert.Throws<BookingException>(() =>
            Reservation.Hold(Given.Fan(), concert, seats[0], Given.HoldDuration, _clock.GetUtcNow())).Error;

        Assert.Equal(ErrorKind.Conflict, error.Kind);
        Assert.Equal("booking-not-open", error.Type);
        Assert.Equal(SeatStatus.Available, seats[0].Status);

        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(ReservationStatus.Held, Reservation.Hold(Given.Fan(), concert, seats[0], Given.HoldDuration, _clock.GetUtcNow()).Status);
    }

    [Fact]
    public void A_hold_lapses_exactly_at_its_expiry_and_then_reads_expired()
    {
        var (concert, seats) = Given.OnSaleConcert();
        var reservation = Reservation.Hold(Given.Fan(), concert, seats[0], Given.HoldDuration, _clock.GetUtcNow());

        _clock.Advance(Given.HoldDuration - TimeSpan.FromTicks(1));
        Assert.False(reservation.HasLapsed(_clock.GetUtcNow()));
        Assert.Equal(ReservationStatus.Held, reservation.StatusAt(_clock.GetUtcNow()));

        _clock.Advance(TimeSpan.FromTicks(1));
        Assert.True(reservation.HasLapsed(_clock.GetUtcNow()));
        Assert.Equal(ReservationStatus.Expired, reservation.StatusAt(_clock.GetUtcNow()));
        Assert.Equal(ReservationStatus.Held, reservation.Status);
    }

    [Fact]
    public void EnsureHeld_reports_a_lapsed_hold_as_expired()
    {
        var (concert, seats) = Given.OnSaleConcert();
        var reservation = Reservation.Hold(Given.Fan(), concert, seats[0], Given.HoldDuration, _clock.GetUtcNow());
        reservation.EnsureHeld(_clock.GetUtcNow());

        _clock.Advance(Given.HoldDuration);
        var error = Assert.Throws<BookingException>(() => reservation.EnsureHeld(_clock.GetUtcNow())).Error;

        Assert.Equal(ErrorKind.Conflict, error.Kind);
        Assert.Equal("reservation-expired", error.Type);
    }

    [Fact]
    public void Confirm_sells_the_seat()
    {
        var (concert, seats) = Given.OnSaleConcert();
        var reservation = Reservation.Hold(Given.Fan(), concert, seats[0], Given.HoldDuration, _clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromMinutes(2));

        reservation.Confirm(seats[0], _clock.GetUtcNow());

        Assert.Equal(ReservationStatus.Confirmed, reservation.Status);
        Assert.Equal(_clock.GetUtcNow(), reservation.ConfirmedAt);
        Assert.True(reservation.IsActive);
        Assert.Equal(1, reservation.Version);
        Assert.Equal(SeatStatus.Sold, seats[0].Status);
        Assert.Null(seats[0].HeldUntil);

        // A confirmed reservation never lapses, however long ago it was held.
        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(ReservationStatus.Confirmed, reservation.StatusAt(_clock.GetUtcNow()));
    }

    [Fact]
    public void Confirm_after_the_hold_lapsed_is_refused_as_expired()
    {
        var (concert, seats) = Given.OnSaleConcert();
        var reservation = Reservation.Hold(Given.Fan(), concert, seats[0], Given.HoldDuration, _clock.GetUtcNow());
        _clock.Advance(Given.HoldDuration + TimeSpan.FromSeconds(1));

        var error = Assert.Throws<BookingException>(() => reservation.Confirm(seats[0], _clock.GetUtcNow())).Error;

        Assert.Equal("reservation-expired", error.Type);
        Assert.Equal(ReservationStatus.Held, reservation.Status);
        Assert.Equal(SeatStatus.Held, seats[0].Status);
    }

    [Fact]
    public void Cancel_ends_the_hold_and_raises_ReservationCancelled()
    {
        var (concert, seats) = Given.OnSaleConcert();
        var reservation = Reservation.Hold(Given.Fan(), concert, seats[0], Given.HoldDuration, _clock.GetUtcNow());
        reservation.ClearDomainEvents();
        _clock.Advance(TimeSpan.FromMinutes(1));

        reservation.Cancel(seats[0], _clock.GetUtcNow());

        Assert.Equal(ReservationStatus.Cancelled, reservation.Status);
        Assert.Equal(_clock.GetUtcNow(), reservation.EndedAt);
        Assert.False(reservation.IsActive);
        var cancelled = Assert.IsType<ReservationCancelledDomainEvent>(Assert.Single(reservation.DomainEvents));
        Assert.Same(reservation, cancelled.Reservation);
    }

    [Fact]
    public void A_cancelled_or_confirmed_reservation_is_not_held()
    {
        var (concert, seats) = Given.OnSaleConcert();
        var cancelled = Reservation.Hold(Given.Fan(), concert, seats[0], Given.HoldDuration, _clock.GetUtcNow());
        cancelled.Cancel(seats[0], _clock.GetUtcNow());
        var confirmed = Reservation.Hold(Given.Fan(), concert, seats[1], Given.HoldDuration, _clock.GetUtcNow());
        confirmed.Confirm(seats[1], _clock.GetUtcNow());

        var cancelAgain = Assert.Throws<BookingException>(() => cancelled.Cancel(seats[0], _clock.GetUtcNow())).Error;
        var payCancelled = Assert.Throws<BookingException>(() => cancelled.Confirm(seats[0], _clock.GetUtcNow())).Error;
        var cancelConfirmed = Assert.Throws<BookingException>(() => confirmed.Cancel(seats[1], _clock.GetUtcNow())).Error;
        var payTwice = Assert.Throws<BookingException>(() => confirmed.Confirm(seats[1], _clock.GetUtcNow())).Error;

        Assert.All([cancelAgain, payCancelled, cancelConfirmed, payTwice], e =>
        {
            Assert.Equal(ErrorKind.Conflict, e.Kind);
            Assert.Equal("reservation-not-held", e.Type);
        });
        Assert.Contains("CANCELLED", cancelAgain.Detail, StringComparison.Ordinal);
        Assert.Contains("CONFIRMED", payTwice.Detail, StringComparison.Ordinal);
        Assert.Equal(SeatStatus.Available, seats[0].Status);
        Assert.Equal(SeatStatus.Sold, seats[1].Status);
    }

    [Fact]
    public void Cancel_after_the_hold_lapsed_is_refused_as_expired()
    {
        var (concert, seats) = Given.OnSaleConcert();
        var reservation = Reservation.Hold(Given.Fan(), concert, seats[0], Given.HoldDuration, _clock.GetUtcNow());
        _clock.Advance(Given.HoldDuration);

        Assert.Equal("reservation-expired", Assert.Throws<BookingException>(() => reservation.Cancel(seats[0], _clock.GetUtcNow())).Error.Type);
    }

    [Fact]
    public void Expire_releases_the_seat_and_raises_ReservationExpired_once()
    {
        var (concert, seats) = Given.OnSaleConcert();
        var reservation = Reservation.Hold(Given.Fan(), concert, seats[0], Given.HoldDuration, _clock.GetUtcNow());
        reservation.ClearDomainEvents();
        _clock.Advance(Given.HoldDuration);

        reservation.Expire(seats[0], _clock.GetUtcNow());
        reservation.Expire(seats[0], _clock.GetUtcNow());

        Assert.Equal(ReservationStatus.Expired, reservation.Status);
        Assert.Equal(_clock.GetUtcNow(), reservation.EndedAt);
        Assert.Equal(SeatStatus.Available, seats[0].Status);
        Assert.Null(seats[0].HeldUntil);
        Assert.IsType<ReservationExpiredDomainEvent>(Assert.Single(reservation.DomainEvents));
    }

    [Fact]
    public void Expire_leaves_a_seat_that_someone_else_has_held_since()
    {
        var (concert, seats) = Given.OnSaleConcert();
        var lapsed = Reservation.Hold(Given.Fan("first@example.com"), concert, seats[0], Given.HoldDuration, _clock.GetUtcNow());
        _clock.Advance(Given.HoldDuration + TimeSpan.FromSeconds(30));
        var current = Reservation.Hold(Given.Fan("second@example.com"), concert, seats[0], Given.HoldDuration, _clock.GetUtcNow());

        lapsed.Expire(seats[0], _clock.GetUtcNow());

        Assert.Equal(ReservationStatus.Expired, lapsed.Status);
        Assert.Equal(SeatStatus.Held, seats[0].Status);
        Assert.Equal(current.ExpiresAt, seats[0].HeldUntil);
    }

    [Fact]
    public void Expire_does_nothing_to_a_confirmed_reservation()
    {
        var (concert, seats) = Given.OnSaleConcert();
        var reservation = Reservation.Hold(Given.Fan(), concert, seats[0], Given.HoldDuration, _clock.GetUtcNow());
        reservation.Confirm(seats[0], _clock.GetUtcNow());
        reservation.ClearDomainEvents();
        _clock.Advance(TimeSpan.FromHours(1));

        reservation.Expire(seats[0], _clock.GetUtcNow());

        Assert.Equal(ReservationStatus.Confirmed, reservation.Status);
        Assert.Null(reservation.EndedAt);
        Assert.Equal(SeatStatus.Sold, seats[0].Status);
        Assert.Empty(reservation.DomainEvents);
    }
}
