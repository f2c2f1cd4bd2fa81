using System.Net;
using ConcertBooking.Api.Idempotency;
using ConcertBooking.Api.Tests.Support;
using ConcertBooking.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ConcertBooking.Api.Tests;

/// <summary>Idempotency records are replayed for <c>Idempotency:Retention</c> (24 h by default), then forgotten and pruned.</summary>
public abstract class IdempotencyRetentionTests(DatabaseProvider provider) : ProviderTests(provider)
{
    private const string Email = "regular@example.com";
    private static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    [ProviderFact]
    public async Task Records_older_than_the_retention_are_pruned_and_younger_ones_kept()
    {
        var fan = await Api.SignInAsync(Email);
        for (var i = 0; i < 5; i++)
        {
            await (await fan.ChargeAsync(100, $"old-{i}")).AssertStatusAsync(HttpStatusCode.OK);
        }

        Api.Clock.Advance(Retention - TimeSpan.FromMinutes(1));
        fan = await Api.SignInAsync(Email);
        await (await fan.ChargeAsync(100, "young")).AssertStatusAsync(HttpStatusCode.OK);
        Api.Clock.Advance(TimeSpan.FromMinutes(2));

        await PruneAsync();

        Assert.Equal(["young"], await Api.QueryAsync(db => db.IdempotencyRecords.Select(r => r.Key).ToListAsync()));
        Assert.Equal(600, await fan.BalanceAsync());
    }

    [ProviderFact]
    public async Task A_key_is_replayed_within_the_retention_and_runs_again_after_it_even_before_pruning()
    {
        var fan = await Api.SignInAsync(Email);
        await (await fan.ChargeAsync(1_000, "monthly")).AssertStatusAsync(HttpStatusCode.OK);

        Api.Clock.Advance(Retention - TimeSpan.FromSeconds(1));
        fan = await Api.SignInAsync(Email);
        var replay = await fan.ChargeAsync(1_000, "monthly");
        Assert.Equal(["true"], replay.Headers.GetValues("Idempotent-Replayed"));
        Assert.Equal(1_000, await fan.BalanceAsync());

        Api.Clock.Advance(TimeSpan.FromSeconds(2));
        var again = await fan.ChargeAsync(1_000, "monthly");

        await again.AssertStatusAsync(HttpStatusCode.OK);
        Assert.False(again.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(2_000, await fan.BalanceAsync());
        Assert.Equal(1, await Api.QueryAsync(db => db.IdempotencyRecords.CountAsync()));
        await PruneAsync();
        Assert.Equal(1, await Api.QueryAsync(db => db.IdempotencyRecords.CountAsync()));
    }

    [ProviderFact]
    public async Task The_background_pruner_deletes_more_than_one_chunk_of_old_records_on_its_own()
    {
        var fan = await Api.SignInAsync();
        await Api.QueryAsync(async db =>
        {
            var now = Api.Clock.GetUtcNow();
            db.IdempotencyRecords.AddRange(Enumerable.Range(0, 12_000).Select(i => new Infrastructure.Idempotency.IdempotencyRecord
            {
                UserId = fan.UserId, Key = $"k{i}", RequestHash = "h", StatusCode = 200, ResponseBody = "{}", CreatedAt = now,
            }));
            return await db.SaveChangesAsync();
        });
        Api.Clock.Advance(Retention + new IdempotencyOptions().PruneInterval);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (await Api.QueryAsync(db => db.IdempotencyRecords.CountAsync()) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The pruner did not delete the old records within 60 s.");
            await Task.Delay(50);
        }
    }

    private Task<int> PruneAsync() =>
        Api.Services.GetRequiredService<IdempotencyPruner>().PruneAsync(Api.Clock.GetUtcNow() - Retention, CancellationToken.None);
}

public sealed class SqliteIdempotencyRetentionTests() : IdempotencyRetentionTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class PostgresIdempotencyRetentionTests() : IdempotencyRetentionTests(DatabaseProvider.Postgres);
