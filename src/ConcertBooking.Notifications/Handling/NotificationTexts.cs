using System.Globalization;
using ConcertBooking.Contracts;
using ConcertBooking.Notifications.Persistence;

namespace ConcertBooking.Notifications.Handling;

/// <summary>What each notification says. The events carry seat ids, not seat labels, so that is what fans see.</summary>
internal static class NotificationTexts
{
    public static Notification HoldConfirmation(ReservationCreated held, DateTimeOffset expiresAt, DateTimeOffset now) => new()
    {
        Type = NotificationType.ReservationConfirmation,
        EventId = held.EventId,
        UserId = held.UserId,
        Email = held.UserEmail,
        Subject = $"Seat held: {held.ConcertName}",
        Body = string.Create(
            CultureInfo.InvariantCulture,
            $"""
            Your seat #{held.SeatId} for {held.ConcertName} is held for you until {Time(expiresAt)}.
            Pay {Money(held.Amount)} before then to confirm it; after that the seat is released.
            Reservation #{held.ReservationId}.
            """),
        CreatedAt = now,
    };

    public static Notification Receipt(ReservationProjection reservation, DateTimeOffset now) => new()
    {
        Type = NotificationType.PaymentReceipt,
        EventId = reservation.PaymentEventId!.Value,
        UserId = reservation.UserId,
        Email = reservation.Email!,
        Subject = $"Receipt: {reservation.ConcertName}",
        Body = string.Create(
            CultureInfo.InvariantCulture,
            $"""
            Thank you for your payment.
            Payment #{reservation.PaymentId}: {Money(reservation.PaidAmount!.Value)} by {reservation.PaymentMethod} on {Time(reservation.PaidAt!.Value)}.
            It confirms reservation #{reservation.ReservationId}: {reservation.ConcertName}, seat #{reservation.SeatId}.
            """),
        CreatedAt = now,
    };

    public static Notification SoldOut(ConcertSoldOut soldOut, WaitlistEntry waiting, DateTimeOffset now) => new()
    {
        Type = NotificationType.ConcertSoldOut,
        EventId = soldOut.EventId,
        UserId = waiting.UserId,
        Email = waiting.Email,
        Subject = $"Sold out: {soldOut.ConcertName}",
        Body = string.Create(
            CultureInfo.InvariantCulture,
            $"""
            {soldOut.ConcertName} sold out at {Time(soldOut.SoldOutTime)}: all {soldOut.TotalSeats:N0} seats are taken.
            You were on its waitlist, so we are letting you know.
            """),
        CreatedAt = now,
    };

    public static Notification QueueClosed(QueueClosed closed, QueueWaiter waiter, DateTimeOffset now) => new()
    {
        Type = NotificationType.QueueClosed,
        EventId = closed.EventId,
        UserId = waiter.UserId,
        Email = waiter.Email,
        Subject = $"Sold out: {closed.ConcertName}",
        Body = string.Create(
            CultureInfo.InvariantCulture,
            $"""
            {closed.ConcertName} sold out at {Time(closed.OccurredAt)} before your turn in its waiting room came.
            The waiting room is closed; nobody still in line was charged anything.
            """),
        CreatedAt = now,
    };

    private static string Money(long amount) => string.Create(CultureInfo.InvariantCulture, $"{amount:N0} KRW");

    private static string Time(DateTimeOffset at) => string.Create(CultureInfo.InvariantCulture, $"{at.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC");
}
