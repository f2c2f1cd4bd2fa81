using ConcertBooking.Domain.Common;

namespace ConcertBooking.Domain.Queues;

/// <summary>
/// A concert's waiting room. Fans may join from <see cref="OpensAt"/>; those who join before booking opens are
/// numbered in random order at the opening second, later fans get the next number as they arrive. Fans are admitted
/// in number order, at most <see cref="MaxActiveShoppers"/> at once, each for <see cref="AdmissionWindowSeconds"/>.
/// The counters (<see cref="LastNumber"/>, <see cref="AdmittedThrough"/>) are advanced by conditional updates in the
/// database, so any number of API processes share one queue.
/// </summary>
public sealed class ConcertQueue
{
    public const int DefaultMaxActiveShoppers = 200;
    public static readonly TimeSpan DefaultAdmissionWindow = TimeSpan.FromMinutes(10);

    private ConcertQueue()
    {
    }

    public long ConcertId { get; private set; }

    public bool Enabled { get; private set; }

    /// <summary>When fans may start joining (the pre-queue).</summary>
    public DateTimeOffset OpensAt { get; private set; }

    public int AdmissionWindowSeconds { get; private set; }

    public int MaxActiveShoppers { get; private set; }

    /// <summary>The highest place number handed out.</summary>
    public long LastNumber { get; private set; }

    /// <summary>Every fan numbered up to this one has been admitted.</summary>
    public long AdmittedThrough { get; private set; }

    /// <summary>When the pre-queue was put in random order (the opening second); null until then.</summary>
    public DateTimeOffset? NumberedAt { get; private set; }

    /// <summary>When the queue closed because the concert sold out.</summary>
    public DateTimeOffset? ClosedAt { get; private set; }

    public TimeSpan AdmissionWindow => TimeSpan.FromSeconds(AdmissionWindowSeconds);

    public static ConcertQueue For(long concertId, DateTimeOffset defaultOpensAt) => new()
    {
        ConcertId = concertId,
        OpensAt = defaultOpensAt,
        AdmissionWindowSeconds = (int)DefaultAdmissionWindow.TotalSeconds,
        MaxActiveShoppers = DefaultMaxActiveShoppers,
    };

    /// <summary>Applies the box office's settings; absent values stay as they are.</summary>
    public void Configure(bool? enabled, DateTimeOffset? opensAt, TimeSpan? admissionWindow, int? maxActiveShoppers, DateTimeOffset bookingOpensAt)
    {
        if (admissionWindow is { } window && (window < TimeSpan.FromMinutes(1) || window > TimeSpan.FromHours(2)))
        {
            throw BookingErrors.Validation("queue.admissionWindow must be between 00:01:00 and 02:00:00.");
        }

        if (maxActiveShoppers is < 1 or > 100_000)
        {
            throw BookingErrors.Validation("queue.maxActiveShoppers must be between 1 and 100,000.");
        }

        var opens = opensAt ?? OpensAt;
        if (opens > bookingOpensAt)
        {
            throw BookingErrors.Validation("queue.opensAt must not be after the concert's bookingOpensAt.");
        }

        Enabled = enabled ?? Enabled;
        OpensAt = opens;
        AdmissionWindowSeconds = admissionWindow is { } w ? (int)w.TotalSeconds : AdmissionWindowSeconds;
        MaxActiveShoppers = maxActiveShoppers ?? MaxActiveShoppers;
    }
}

public enum QueueEntryStatus
{
    Waiting,
    Admitted,

    /// <summary>The admitted fan paid or cancelled: the shopping turn is over and the place passes on.</summary>
    Finished,

    /// <summary>The admission window ended.</summary>
    Expired,
}

/// <summary>One fan's place in a concert's waiting room.</summary>
public sealed class QueueEntry
{
    private QueueEntry()
    {
    }

    public long Id { get; private set; }

    public long ConcertId { get; private set; }

    public long UserId { get; private set; }

    public DateTimeOffset JoinedAt { get; private set; }

    /// <summary>Place in line; null for a pre-queue fan until the opening second.</summary>
    public long? Number { get; private set; }

    public QueueEntryStatus Status { get; private set; }

    public DateTimeOffset? AdmittedAt { get; private set; }

    public DateTimeOffset? AdmittedUntil { get; private set; }

    public DateTimeOffset? EndedAt { get; private set; }

    public static QueueEntry Join(long concertId, long userId, long? number, DateTimeOffset now) => new()
    {
        ConcertId = concertId,
        UserId = userId,
        Number = number,
        JoinedAt = now,
        Status = QueueEntryStatus.Waiting,
    };
}
