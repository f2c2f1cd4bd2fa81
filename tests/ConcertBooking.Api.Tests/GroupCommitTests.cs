using System.Diagnostics;
using ConcertBooking.Api.Tests.Support;
using ConcertBooking.Domain.Common;
using ConcertBooking.Infrastructure;
using ConcertBooking.Infrastructure.Idempotency;
using ConcertBooking.Infrastructure.Persistence;
using ConcertBooking.Infrastructure.Sql;
using ConcertBooking.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ConcertBooking.Api.Tests;

/// <summary>Concurrent write transactions on SQLite share one commit, and each keeps its own outcome.</summary>
public sealed class GroupCommitTests() : ProviderTests(DatabaseProvider.Sqlite)
{
    private const int Callers = 30;

    [Fact]
    public async Task Callers_queued_together_share_a_commit_and_a_refused_one_leaves_no_trace()
    {
        var fan = await Api.SignInAsync();
        var group = Api.Services.GetRequiredService<GroupCommit<BookingDbContext>>();
        var outcomes = new List<(int Caller, ActivityTraceId Trace, Task<(Guid Transaction, ActivityTraceId Trace)> Done)>();

        await using (var scope = Api.Services.CreateAsyncScope())
        {
            // While this test holds the database's write turn, every caller queues behind it.
            using (await SqliteWriteGate.EnterAsync(scope.ServiceProvider.GetRequiredService<BookingDbContext>(), CancellationToken.None))
            {
                foreach (var caller in Enumerable.Range(0, Callers))
                {
                    using var request = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C).Start();
                    outcomes.Add((caller, request.TraceId, group.RunAsync((db, ct) => RecordAsync(db, fan.UserId, caller, ct), CancellationToken.None)));
                }
            }
        }

        var transactions = new HashSet<Guid>();
        foreach (var (caller, trace, done) in outcomes)
        {
            if (Refused(caller))
            {
                var refusal = await Assert.ThrowsAsync<BookingException>(() => done);
                Assert.Equal("refused", refusal.Error.Type);
                continue;
            }

            var (transaction, seenTrace) = await done;
            transactions.Add(transaction);
            Assert.Equal(trace, seenTrace);
        }

        // The first caller may have been taken alone before the others arrived; the rest share the next commit.
        Assert.InRange(transactions.Count, 1, 2);
        var keys = await Api.QueryAsync(db => db.IdempotencyRecords.Where(r => r.UserId == fan.UserId).Select(r => r.Key).ToListAsync());
        var expected = Enumerable.Range(0, Callers).Where(c => !Refused(c)).Select(c => $"group-{c}").ToList();
        Assert.Equal(expected.Order(), keys.Order());
    }

    [Fact]
    public async Task A_kept_command_is_reused_while_its_connection_stays_open_and_never_after_it_closes()
    {
        await using var scope = Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();

        await db.Database.OpenConnectionAsync();
        var first = db.Kept("SELECT 1");
        Assert.Equal(1L, await first.ExecuteScalarAsync());
        Assert.Same(first, db.Kept("SELECT 1"));
        await db.Database.CloseConnectionAsync();

        // Its statement belonged to a native connection the pool may since have handed to someone else.
        await db.Database.OpenConnectionAsync();
        var second = db.Kept("SELECT 1");
        Assert.NotSame(first, second);
        Assert.Equal(1L, await second.ExecuteScalarAsync());
        await db.Database.CloseConnectionAsync();
    }

    private static bool Refused(int caller) => caller % 5 == 3;

    /// <summary>One caller's transaction: a row of its own; a refused caller writes its row and then fails.</summary>
    private static async Task<(Guid, ActivityTraceId)> RecordAsync(BookingDbContext db, long userId, int caller, CancellationToken ct)
    {
        db.IdempotencyRecords.Add(new IdempotencyRecord
        {
            UserId = userId,
            Key = $"group-{caller}",
            RequestHash = "hash",
            StatusCode = 200,
            ResponseBody = "{}",
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync(ct);
        if (Refused(caller))
        {
            throw new BookingException(new BookingError(ErrorKind.Conflict, "refused", "Refused", "This caller's work fails after writing."));
        }

        return (db.Database.CurrentTransaction!.TransactionId, Activity.Current?.TraceId ?? default);
    }
}
