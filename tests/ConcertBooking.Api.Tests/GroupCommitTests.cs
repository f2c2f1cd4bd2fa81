using System.Data.Common;
using System.Diagnostics;
using ConcertBooking.Api.Tests.Support;
using ConcertBooking.Domain.Common;
using ConcertBooking.Infrastructure;
using ConcertBooking.Infrastructure.Idempotency;
using ConcertBooking.Infrastructure.Persistence;
using ConcertBooking.Infrastructure.Sql;
using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Notifications.Persistence;
using ConcertBooking.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
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
        var group = Api.Services.GetRequiredService<GroupCommit>();
        var outcomes = new List<(int Caller, ActivityTraceId Trace, Task<(DbTransaction Transaction, ActivityTraceId Trace)> Done)>();

        await using (var scope = Api.Services.CreateAsyncScope())
        {
            // While this test holds the database's write turn, every caller queues behind it.
            var own = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
            using (await SqliteWriteGate.EnterAsync(own, CancellationToken.None))
            {
                foreach (var caller in Enumerable.Range(0, Callers))
                {
                    using var request = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C).Start();
                    outcomes.Add((caller, request.TraceId, group.RunAsync(own, (db, ct) => RecordAsync(db, fan.UserId, caller, ct), CancellationToken.None)));
                }
            }
        }

        var transactions = new HashSet<DbTransaction>(ReferenceEqualityComparer.Instance);
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
    public async Task Callers_on_other_contexts_of_the_same_file_share_the_commit_and_keep_their_own_outcome()
    {
        var fan = await Api.SignInAsync();
        var group = Api.Services.GetRequiredService<GroupCommit>();
        var bookings = new List<Task<(DbTransaction Transaction, ActivityTraceId Trace)>>();
        var batches = new List<(int Caller, Task<DbTransaction> Done)>();

        await using (var scope = Api.Services.CreateAsyncScope())
        {
            var booking = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
            var notifications = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
            using (await SqliteWriteGate.EnterAsync(booking, CancellationToken.None))
            {
                foreach (var caller in Enumerable.Range(0, 6))
                {
                    bookings.Add(group.RunAsync(booking, (db, ct) => RecordAsync(db, fan.UserId, 1000 + (5 * caller), ct), CancellationToken.None));
                    batches.Add((caller, group.RunAsync(notifications, (db, ct) => RecordBatchAsync(db, caller, ct), CancellationToken.None)));
                }
            }
        }

        var transactions = new HashSet<DbTransaction>(ReferenceEqualityComparer.Instance);
        foreach (var booked in bookings)
        {
            transactions.Add((await booked).Transaction);
        }

        foreach (var (caller, done) in batches)
        {
            if (caller == 2)
            {
                await Assert.ThrowsAsync<InvalidOperationException>(() => done);
                continue;
            }

            transactions.Add(await done);
        }

        // The holds' context and the consumer group's context ran in the same transaction, committed once.
        Assert.InRange(transactions.Count, 1, 2);
        await using var reader = Api.Services.CreateAsyncScope();
        var recorded = await reader.ServiceProvider.GetRequiredService<NotificationsDbContext>()
            .Set<ProcessedEvent>().Where(p => p.GroupId.StartsWith("group-test-")).Select(p => p.GroupId).ToListAsync();
        Assert.Equal(["group-test-0", "group-test-1", "group-test-3", "group-test-4", "group-test-5"], recorded.Order());
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

    /// <summary>A consumer group's batch on another context of the same file; caller 2's batch fails after writing.</summary>
    private static async Task<DbTransaction> RecordBatchAsync(NotificationsDbContext db, int caller, CancellationToken ct)
    {
        db.Set<ProcessedEvent>().Add(new ProcessedEvent
        {
            GroupId = $"group-test-{caller}",
            EventId = Guid.NewGuid(),
            EventType = "Test",
            Topic = "test",
            Partition = 0,
            Offset = caller,
            OccurredAt = DateTimeOffset.UtcNow,
            ProcessedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync(ct);
        return caller == 2 ? throw new InvalidOperationException("This batch fails after writing.") : db.Database.CurrentTransaction!.GetDbTransaction();
    }

    private static bool Refused(int caller) => caller % 5 == 3;

    /// <summary>One caller's transaction: a row of its own; a refused caller writes its row and then fails.</summary>
    private static async Task<(DbTransaction, ActivityTraceId)> RecordAsync(BookingDbContext db, long userId, int caller, CancellationToken ct)
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

        return (db.Database.CurrentTransaction!.GetDbTransaction(), Activity.Current?.TraceId ?? default);
    }
}
