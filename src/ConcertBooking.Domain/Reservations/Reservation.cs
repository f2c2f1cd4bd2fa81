using ConcertBooking.Domain.Common;
using ConcertBooking.Domain.Concerts;
using ConcertBooking.Domain.Users;

namespace ConcertBooking.Domain.Reservations;

public enum ReservationStatus
{
    Held,
    Confirmed,
    Cancelled,
    Expired,
}

public sealed class Reservation : Entity
{
    private Reservation()
    {
    }

    private Reservation(long userId, long concertId, long seatId, long amount, DateTimeOffset now, DateTimeOffset expiresAt)
    {
        UserId = userId;
        ConcertId = concertId;
        SeatId = seatId;
        Amount = amount;
        Status = ReservationStatus.Held;
        CreatedAt = now;
        ExpiresAt = expiresAt;
    }

    public long UserId { get; private set; }

    public long ConcertId { get; private set; }

    public long SeatId { get; private set; }

    /// <summary>The seat's price when it was held, in whole KRW.</summary>
    public long Amount { get; private set; }

    public ReservationStatus Status { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public DateTimeOffset? ConfirmedAt { get; private set; }

    public DateTimeOffset? EndedAt { get; private set; }

    /// <summary>Concurrency token: paying, cancelling and expiring race each other (a fan pays in the last second
    /// while the sweeper runs); exactly one of them commits.</summary>
    public int Version { get; private set; }

    public bool IsActive => Status is ReservationStatus.Held or ReservationStatus.Confirmed;

    public bool HasLapsed(DateTimeOffset now) => Status == ReservationStatus.Held && ExpiresAt <= now;

    /// <summary>The status a reader should see: a lapsed hold is expired even before the sweeper has run.</summary>
    public ReservationStatus StatusAt(DateTimeOffset now) => HasLapsed(now) ? ReservationStatus.Expired : Status;

    public static Reservation Hold(User user, Concert concert, Seat seat, TimeSpan holdDuration, DateTimeOffset now)
    {
        if (seat.ConcertId != concert.Id)
        {
            throw BookingErrors.NotFound("Seat", seat.Id);
        }

        concert.EnsureOpenForBooking(seat.Id, now);
        var expiresAt = now + holdDuration;
        seat.Hold(expiresAt, now);

        var reservation = new Reservation(user.Id, concert.Id, seat.Id, seat.Price, now, expiresAt);
        reservation.Raise(new ReservationHeldDomainEvent(reservation, user.Email, concert.Name, now));
        return reservation;
    }

    /// <summary>Checks that the hold can still be paid for or cancelled. A lapsed hold counts as expired here even
    /// before the sweeper has run.</summary>
    public void EnsureHeld(DateTimeOffset now)
    {
        switch (StatusAt(now))
        {
            case ReservationStatus.Held:
                return;
            case ReservationStatus.Expired:
                throw BookingErrors.ReservationExpired(Id);
            default:
                throw BookingErrors.ReservationNotHeld(Id, Status.ToString().ToUpperInvariant());
        }
    }

    public void Confirm(Seat seat, DateTimeOffset now)
    {
        EnsureHeld(now);
        Status = ReservationStatus.Confirmed;
        ConfirmedAt = now;
        Version++;
        seat.Sell();
    }

    public void Cancel(Seat seat, DateTimeOffset now)
    {
        EnsureHeld(now);
        Status = ReservationStatus.Cancelled;
        EndedAt = now;
        Version++;
        seat.Release();
        Raise(new ReservationCancelledDomainEvent(this, now));
    }

    public void Expire(Seat seat, DateTimeOffset now)
    {
        if (Status != ReservationStatus.Held)
        {
            return;
        }

        Status = ReservationStatus.Expired;
        EndedAt = now;
        Version++;

        // The seat may already be held again by someone else if this hold lapsed and a new one took the seat.
        if (seat.Status == SeatStatus.Held && seat.HeldUntil == ExpiresAt)
        {
            seat.Release();
        }

        Raise(new ReservationExpiredDomainEvent(this, now));
    }
}

public sealed record ReservationHeldDomainEvent(Reservation Reservation, string UserEmail, string ConcertName, DateTimeOffset OccurredAt)
    : IDomainEvent;

public sealed record ReservationCancelledDomainEvent(Reservation Reservation, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed record ReservationExpiredDomainEvent(Reservation Reservation, DateTimeOffset OccurredAt) : IDomainEvent;
