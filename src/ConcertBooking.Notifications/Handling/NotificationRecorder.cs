using ConcertBooking.Contracts;
using ConcertBooking.Persistence;
using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Notifications.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Notifications.Handling;

/// <summary>
/// Turns a batch of events into stored notifications (not yet delivered) and keeps the reservation projection the
/// receipts need, in the batch's one transaction. A handful of queries per batch, whatever its size.
/// </summary>
internal sealed class NotificationRecorder(WriteTransactions<NotificationsDbContext> transactions, string groupId, TimeProvider clock)
    : IdempotentEventHandler<NotificationsDbContext>(transactions, groupId, clock)
{
    private readonly TimeProvider _clock = clock;

    /// <summary>A fan is waiting for this mail: the group queues with the bookings, not behind them.</summary>
    protected override WritePriority WritePriority => WritePriority.Foreground;
    private readonly List<Notification> _stored = [];

    /// <summary>The notifications this handler stored (inserted in bulk: their database ids are not read back).</summary>
    public IReadOnlyList<Notification> Stored => _stored;

    protected override async Task ApplyAsync(NotificationsDbContext db, IReadOnlyList<ConsumedEvent> events, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        var reservations = await LoadReservationsAsync(db, events, cancellationToken);
        var waitlists = await LoadWaitlistsAsync(db, events, cancellationToken);

        var drafts = new List<Notification>();
        var added = new List<ReservationProjection>();
        foreach (var consumed in events)
        {
            switch (consumed.Event)
            {
                case ReservationCreated held:
                    var hold = Track(reservations, added, held.ReservationId);
                    hold.RecordHold(held);
                    drafts.Add(NotificationTexts.HoldConfirmation(held, held.ExpiresAt, now));
                    IssueReceiptIfDue(hold, drafts, now);
                    break;
                case PaymentCompleted paid:
                    var payment = Track(reservations, added, paid.ReservationId);
                    payment.RecordPayment(paid);
                    IssueReceiptIfDue(payment, drafts, now);
                    break;
                case ReservationCancelled or ReservationExpired:
                    // No mail for these; remembered so that a payment claimed for such a reservation gets no receipt.
                    Track(reservations, added, ReservationIdOf(consumed.Event)!.Value).RecordEnd();
                    break;
                case ConcertSoldOut soldOut:
                    drafts.AddRange(waitlists[soldOut.ConcertId].Select(waiting => NotificationTexts.SoldOut(soldOut, waiting, now)));
                    break;
            }
        }

        drafts.AddRange(await QueueNotices.ApplyAsync(db, events, now, cancellationToken));
        await db.BulkInsertAsync(added, cancellationToken);
        await AddUnlessStoredAsync(db, drafts, cancellationToken);
    }

    private async Task<Dictionary<long, ReservationProjection>> LoadReservationsAsync(NotificationsDbContext db, IReadOnlyList<ConsumedEvent> events, CancellationToken cancellationToken)
    {
        var ids = events.Select(e => ReservationIdOf(e.Event)).OfType<long>().Distinct().ToList();
        return ids.Count == 0
            ? []
            : await db.Reservations.Where(r => ids.Contains(r.ReservationId)).ToDictionaryAsync(r => r.ReservationId, cancellationToken);
    }

    private static long? ReservationIdOf(IntegrationEvent @event) => @event switch
    {
        ReservationCreated held => held.ReservationId,
        PaymentCompleted paid => paid.ReservationId,
        ReservationCancelled cancelled => cancelled.ReservationId,
        ReservationExpired expired => expired.ReservationId,
        _ => null,
    };

    private async Task<ILookup<long, WaitlistEntry>> LoadWaitlistsAsync(NotificationsDbContext db, IReadOnlyList<ConsumedEvent> events, CancellationToken cancellationToken)
    {
        var concertIds = events.Select(e => e.Event).OfType<ConcertSoldOut>().Select(s => s.ConcertId).Distinct().ToList();
        var entries = concertIds.Count == 0
            ? []
            : await db.WaitlistEntries.AsNoTracking().Where(w => concertIds.Contains(w.ConcertId)).ToListAsync(cancellationToken);
        return entries.ToLookup(w => w.ConcertId);
    }

    private static ReservationProjection Track(
        Dictionary<long, ReservationProjection> reservations, List<ReservationProjection> added, long reservationId)
    {
        if (!reservations.TryGetValue(reservationId, out var reservation))
        {
            reservation = new ReservationProjection { ReservationId = reservationId };
            reservations[reservationId] = reservation;
            added.Add(reservation);
        }

        return reservation;
    }

    private static void IssueReceiptIfDue(ReservationProjection reservation, List<Notification> drafts, DateTimeOffset now)
    {
        if (reservation.ReceiptDue)
        {
            drafts.Add(NotificationTexts.Receipt(reservation, now));
            reservation.MarkReceiptIssued();
        }
    }

    /// <summary>
    /// The processed-events record already keeps redeliveries out; this also keeps a replay that bypasses it (a
    /// read-model rebuild that resets only the projection) from failing the batch on the unique index.
    /// </summary>
    private async Task AddUnlessStoredAsync(NotificationsDbContext db, List<Notification> drafts, CancellationToken cancellationToken)
    {
        if (drafts.Count == 0)
        {
            return;
        }

        var eventIds = drafts.Select(d => d.EventId).Distinct().ToList();
        var stored = await db.Notifications
            .Where(n => eventIds.Contains(n.EventId))
            .Select(n => new { n.EventId, n.UserId })
            .ToListAsync(cancellationToken);
        var taken = stored.Select(n => (n.EventId, n.UserId)).ToHashSet();
        _stored.AddRange(drafts.Where(d => taken.Add((d.EventId, d.UserId))));
        await db.BulkInsertAsync(_stored, cancellationToken);
    }
}
