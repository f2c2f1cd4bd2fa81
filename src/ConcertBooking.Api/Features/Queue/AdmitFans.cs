using ConcertBooking.Contracts;
using ConcertBooking.Domain.Queues;
using ConcertBooking.Infrastructure.Persistence;
using ConcertBooking.Infrastructure.Sql;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Api.Features.Queue;

/// <summary>
/// One admission pass over every open waiting room: draws a pre-queue whose opening second has come, ends admissions
/// whose window has passed, and lets in the next fans by number until <c>MaxActiveShoppers</c> are admitted. Each
/// concert's pass is one transaction that first takes the queue row, so passes in several processes (or a pass and
/// a join) never both hand out the same free places.
/// </summary>
public sealed class AdmitFans(BookingDbContext db, TimeProvider clock, ILogger<AdmitFans> logger)
{
    private const string TakeQueue = """
        UPDATE "ConcertQueues" SET "AdmittedThrough" = "AdmittedThrough"
        WHERE "ConcertId" = @concertId AND "Enabled" AND "ClosedAt" IS NULL
        RETURNING "MaxActiveShoppers", "AdmissionWindowSeconds"
        """;

    private const string EndLapsed = """
        UPDATE "QueueEntries" SET "Status" = 'Expired', "EndedAt" = @now
        WHERE "ConcertId" = @concertId AND "Status" = 'Admitted' AND "AdmittedUntil" <= @now
        """;

    private const string CountAdmitted = """
        SELECT COUNT(*) FROM "QueueEntries" WHERE "ConcertId" = @concertId AND "Status" = 'Admitted'
        """;

    private const string AdmitNext = """
        UPDATE "QueueEntries" SET "Status" = 'Admitted', "AdmittedAt" = @now, "AdmittedUntil" = @until
        WHERE "Id" IN (SELECT "Id" FROM "QueueEntries"
                       WHERE "ConcertId" = @concertId AND "Status" = 'Waiting' AND "Number" IS NOT NULL
                       ORDER BY "Number" LIMIT @free)
        RETURNING "UserId", "Number", "JoinedAt"
        """;

    private const string AdvanceAdmitted = """
        UPDATE "ConcertQueues" SET "AdmittedThrough" = @number WHERE "ConcertId" = @concertId AND "AdmittedThrough" < @number
        """;

    /// <summary>Returns how many fans it admitted.</summary>
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        var now = RawSql.ToMicroseconds(clock.GetUtcNow());
        var due = await db.ConcertQueues.AsNoTracking()
            .Where(q => q.Enabled && q.ClosedAt == null)
            .Join(db.Concerts.Where(c => c.BookingOpensAt <= now), q => q.ConcertId, c => c.Id, (q, c) => q.ConcertId)
            .ToListAsync(cancellationToken);
        var admitted = 0;
        foreach (var concertId in due)
        {
            admitted += await db.InTransactionAsync(ct => AdmitAsync(concertId, ct), cancellationToken);
        }

        return admitted;
    }

    private async Task<int> AdmitAsync(long concertId, CancellationToken ct)
    {
        int maxActive;
        TimeSpan window;
        await using (var take = db.Command(TakeQueue).With("concertId", concertId))
        {
            await using var reader = await take.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return 0;
            }

            (maxActive, window) = (reader.GetInt32(0), TimeSpan.FromSeconds(reader.GetInt32(1)));
        }

        // Read the clock only once the queue row is ours: a join that committed while this pass waited for the row
        // carries a later JoinedAt than a time read before, and its admission would report a negative wait.
        var now = RawSql.ToMicroseconds(clock.GetUtcNow());

        await db.DrawIfDueAsync(concertId, now, ct);
        await using (var end = db.Command(EndLapsed).With("now", now).With("concertId", concertId))
        {
            await end.ExecuteNonQueryAsync(ct);
        }

        long active;
        await using (var count = db.Command(CountAdmitted).With("concertId", concertId))
        {
            active = Convert.ToInt64(await count.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }

        var free = maxActive - active;
        if (free <= 0)
        {
            return 0;
        }

        var until = now + window;
        var admitted = new List<FanAdmitted>();
        await using (var admit = db.Command(AdmitNext).With("now", now).With("until", until).With("concertId", concertId).With("free", free))
        {
            await using var reader = await admit.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var waited = now - reader.GetTimestamp(2);
                admitted.Add(new FanAdmitted(concertId, reader.GetInt64(0), reader.GetInt64(1), Math.Round(waited.TotalSeconds, 3), until) { OccurredAt = now });
            }
        }

        if (admitted.Count == 0)
        {
            return 0;
        }

        await using (var advance = db.Command(AdvanceAdmitted).With("number", admitted.Max(a => a.Number)).With("concertId", concertId))
        {
            await advance.ExecuteNonQueryAsync(ct);
        }

        foreach (var fan in admitted)
        {
            await db.AddToOutboxAsync(fan, ct);
        }

        logger.LogInformation("Admitted {Count} fans to concert {ConcertId}", admitted.Count, concertId);
        return admitted.Count;
    }
}

public sealed class QueueOptions
{
    public const string SectionName = "Queue";

    /// <summary>How often each API process runs an admission pass over the open waiting rooms.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan AdmissionInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>Runs <see cref="AdmitFans"/> every <see cref="QueueOptions.AdmissionInterval"/>.</summary>
public sealed class QueueAdmitter(
    IServiceScopeFactory scopes, DatabaseReadiness database, TimeProvider clock, IOptions<QueueOptions> options, ILogger<QueueAdmitter> logger)
    : PeriodicDatabaseWork(database, clock, logger)
{
    protected override TimeSpan Interval => options.Value.AdmissionInterval;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AdmitFans>().ExecuteAsync(cancellationToken);
    }
}
