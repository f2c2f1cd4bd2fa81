using ConcertBooking.Domain.Common;
using ConcertBooking.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Api.Features.Queue;

/// <summary>Why a hold of a concert with a waiting room was refused when the caller is not admitted.</summary>
internal static class QueueAdmission
{
    /// <summary>A 403 <c>queue-admission-required</c> with the caller's place, or null when the waiting room does not
    /// stand in the way (no queue, queue closed, or the caller is admitted).</summary>
    public static async Task<BookingException?> RefusalAsync(BookingDbContext db, long userId, long concertId, DateTimeOffset now, CancellationToken ct)
    {
        var queue = await db.ConcertQueues.AsNoTracking().FirstOrDefaultAsync(q => q.ConcertId == concertId && q.Enabled && q.ClosedAt == null, ct);
        if (queue is null)
        {
            return null;
        }

        var bookingOpensAt = await db.Concerts.Where(c => c.Id == concertId).Select(c => c.BookingOpensAt).FirstAsync(ct);
        var entry = await db.QueueEntries.AsNoTracking().FirstOrDefaultAsync(e => e.ConcertId == concertId && e.UserId == userId, ct);
        var ticket = entry is null ? null : QueueTicketDto.From(entry, queue, bookingOpensAt, now);
        if (ticket?.Status == QueueStatus.Admitted)
        {
            return null;
        }

        var detail = ticket is null
            ? $"Concert {concertId} sells through its waiting room: join it with POST /api/concerts/{concertId}/queue."
            : $"Concert {concertId} sells through its waiting room and it is not your turn ({ticket.Status.ToString().ToUpperInvariant()}).";
        return new BookingException(new BookingError(
            ErrorKind.Forbidden,
            "queue-admission-required",
            "Queue admission required",
            detail,
            new Dictionary<string, object?>
            {
                ["queueStatus"] = ticket?.Status.ToString().ToUpperInvariant(),
                ["position"] = ticket?.Position,
                ["ahead"] = ticket?.Ahead,
            }));
    }
}
