using ConcertBooking.Contracts;
using ConcertBooking.Messaging.Outbox;
using ConcertBooking.Infrastructure.Persistence;

namespace ConcertBooking.Bench.Pipeline;

/// <summary>The benchmark's events: RESERVATION_CREATED holds of about <see cref="TargetBytes"/> bytes of JSON.</summary>
internal static class BenchEvents
{
    public const int TargetBytes = 285;

    private static readonly Lazy<int> NameLength = new(() =>
    {
        var probe = EventSerializer.Serialize(Create(""));
        return Math.Max(1, TargetBytes - System.Text.Encoding.UTF8.GetByteCount(probe));
    });

    public static ReservationCreated Create(string? concertName = null)
    {
        var id = Random.Shared.NextInt64(1_000_000_000, 9_999_999_999);
        var now = DateTimeOffset.UtcNow;
        return new ReservationCreated(id, 1 + id % 10_000, 1 + id % 100, id, 10_000, "bench@example.com",
            concertName ?? RandomText(NameLength.Value))
        {
            OccurredAt = now,
            ExpiresAt = now.AddMinutes(5),
        };
    }

    public static int PayloadBytes => System.Text.Encoding.UTF8.GetByteCount(EventSerializer.Serialize(Create()));

    /// <summary>Random, so compression cannot shrink the records below their nominal size.</summary>
    public static string RandomText(int length) =>
        Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(length))[..length];

    /// <summary>Commits straight into the outbox in transactions of 10,000 (as LaggingGroupTests does), without the
    /// cost of real bookings.</summary>
    public static async Task CommitBulkAsync(BookingDbContext db, int count, CancellationToken cancellationToken)
    {
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        for (var done = 0; done < count; done += 10_000)
        {
            var batch = Math.Min(10_000, count - done);
            db.OutboxMessages.AddRange(Enumerable.Range(0, batch).Select(_ => OutboxMessage.From(Create())));
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }
    }
}
