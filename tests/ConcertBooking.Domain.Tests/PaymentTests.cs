using ConcertBooking.Domain.Common;
using ConcertBooking.Domain.Concerts;
using ConcertBooking.Domain.Payments;
using ConcertBooking.Domain.Reservations;
using Microsoft.Extensions.Time.Testing;

namespace ConcertBooking.Domain.Tests;

public sealed class PaymentTests
{
    private readonly FakeTimeProvider _clock = new(Given.Start);

    [Fact]
    public void Pay_confirms_the_reservation_sells_the_seat_and_raises_PaymentCompleted()
    {
        var (concert, seats) = Given.OnSaleConcert(price: 132_000);
        var reservation = Reservation.Hold(Given.Fan(), concert, seats[0], Given.HoldDuration, _clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromMinutes(3));

        var payment = Payment.Pay(reservation, seats[0], PaymentMethod.Points, _clock.GetUtcNow());

        Assert.Equal(reservation.Id, payment.ReservationId);
        Assert.Equal(reservation.UserId, payment.UserId);
        Assert.Equal(132_000, payment.Amount);
        Assert.Equal(PaymentMethod.Points, payment.Method);
        Assert.Equal(PaymentStatus.Completed, payment.Status);
        Assert.Equal(_clock.GetUtcNow(), payment.PaidAt);
        Assert.Equal(ReservationStatus.Confirmed, reservation.Status);
        Assert.Equal(SeatStatus.Sold, seats[0].Status);
        var completed = Assert.IsType<PaymentCompletedDomainEvent>(Assert.Single(payment.DomainEvents));
        Assert.Same(payment, completed.Payment);
        Assert.Equal(_clock.GetUtcNow(), completed.OccurredAt);
    }

    [Fact]
    public void Pay_for_a_lapsed_hold_is_refused_and_changes_nothing()
    {
        var (concert, seats) = Given.OnSaleConcert();
        var reservation = Reservation.Hold(Given.Fan(), concert, seats[0], Given.HoldDuration, _clock.GetUtcNow());
        _clock.Advance(Given.HoldDuration);

        var error = Assert.Throws<BookingException>(() => Payment.Pay(reservation, seats[0], PaymentMethod.Points, _clock.GetUtcNow())).Error;

        Assert.Equal("reservation-expired", error.Type);
        Assert.Equal(ReservationStatus.Held, reservation.Status);
        Assert.Equal(SeatStatus.Held, seats[0].Status);
    }

    [Fact]
    public void Pay_for_a_cancelled_reservation_is_refused()
    {
        var (concert, seats) = Given.OnSaleConcert();
        var reservation = Reservation.Hold(Given.Fan(), concert, seats[0], Given.HoldDuration, _clock.GetUtcNow());
        reservation.Cancel(seats[0], _clock.GetUtcNow());

        var error = Assert.Throws<BookingException>(() => Payment.Pay(reservation, seats[0], PaymentMethod.Points, _clock.GetUtcNow())).Error;

        Assert.Equal("reservation-not-held", error.Type);
        Assert.Equal(SeatStatus.Available, seats[0].Status);
    }
}
