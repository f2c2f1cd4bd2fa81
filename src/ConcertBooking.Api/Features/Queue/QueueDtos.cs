using ConcertBooking.Domain.Queues;

namespace ConcertBooking.Api.Features.Queue;

public enum QueueStatus
{
    Waiting,
    Admitted,
    Expired,
    Closed,
}

/// <summary>A fan's place. Before the opening second a pre-queue fan has no position yet (the order is drawn then).</summary>
public sealed record QueueTicketDto(
    long ConcertId,
    QueueStatus Status,
    long? Position,
    long? Ahead,
    long? EstimatedWaitSeconds,
    DateTimeOffset? AdmittedUntil,
    DateTimeOffset JoinedAt,
    DateTimeOffset BookingOpensAt)
{
    public static QueueTicketDto From(QueueEntry entry, ConcertQueue queue, DateTimeOffset bookingOpensAt, DateTimeOffset now)
    {
        var status = entry.Status switch
        {
            QueueEntryStatus.Waiting when queue.ClosedAt is not null => QueueStatus.Closed,
            QueueEntryStatus.Waiting => QueueStatus.Waiting,
            QueueEntryStatus.Admitted when entry.AdmittedUntil > now => QueueStatus.Admitted,
            _ => QueueStatus.Expired,
        };
        if (status != QueueStatus.Waiting || entry.Number is not { } number)
        {
            return new(entry.ConcertId, status, null, null, null, status == QueueStatus.Admitted ? entry.AdmittedUntil : null, entry.JoinedAt, bookingOpensAt);
        }

        // Admission goes strictly in number order, so everyone numbered between the last admitted fan and this one
        // is still waiting: the position is a subtraction, whatever the queue's length.
        var ahead = Math.Max(0, number - queue.AdmittedThrough - 1);

        // An upper bound: every admitted fan uses the whole window before the next is let in.
        var rounds = (ahead + queue.MaxActiveShoppers) / queue.MaxActiveShoppers;
        var wait = (long)(rounds * queue.AdmissionWindow.TotalSeconds) + (long)Math.Max(0, (bookingOpensAt - now).TotalSeconds);
        return new(entry.ConcertId, status, ahead + 1, ahead, ahead < queue.MaxActiveShoppers ? Math.Min(wait, (long)queue.AdmissionWindow.TotalSeconds) : wait,
            null, entry.JoinedAt, bookingOpensAt);
    }

    /// <summary>How long a client should wait before asking again: soon when its turn is near, rarely when far back,
    /// so tens of thousands of waiting fans cost a few hundred status reads a second.</summary>
    public int RetryAfterSeconds(DateTimeOffset now) => Status switch
    {
        QueueStatus.Waiting when Position is null => (int)Math.Clamp((BookingOpensAt - now).TotalSeconds, 1, 30),
        QueueStatus.Waiting => Ahead switch
        {
            < 100 => 2,
            < 1_000 => 5,
            < 10_000 => 15,
            _ => 30,
        },
        _ => 0,
    };
}

/// <summary>The box office's waiting-room settings; absent fields keep their value (defaults on creation).</summary>
public sealed record QueueSettingsRequest(bool? Enabled, DateTimeOffset? OpensAt, TimeSpan? AdmissionWindow, int? MaxActiveShoppers);

public sealed record QueueSettingsDto(bool Enabled, DateTimeOffset OpensAt, TimeSpan AdmissionWindow, int MaxActiveShoppers, DateTimeOffset? ClosedAt)
{
    public static QueueSettingsDto? From(ConcertQueue? queue) => queue is null
        ? null
        : new(queue.Enabled, queue.OpensAt, queue.AdmissionWindow, queue.MaxActiveShoppers, queue.ClosedAt);
}
