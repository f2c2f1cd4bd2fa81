using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ConcertBooking.Api.Tests.Support;
using ConcertBooking.Infrastructure;

namespace ConcertBooking.Api.Tests;

/// <summary>The operator APIs behind the console at <c>/ops</c>: reads, group control and the fault lab.</summary>
public abstract class OpsConsoleApiTests(DatabaseProvider provider) : ProviderTests(provider)
{
    public static readonly string[] Groups = ["data-platform", "notification-service", "ranking-service"];

    public static readonly (string Method, string Path, object? Body)[] Actions =
    [
        ("POST", "/api/admin/groups/ranking-service/pause", null),
        ("POST", "/api/admin/groups/ranking-service/resume", null),
        ("POST", "/api/admin/groups/ranking-service/reset", new { to = "latest" }),
        ("POST", "/api/admin/kafka/brokers/1/down", null),
        ("POST", "/api/admin/kafka/brokers/1/up", null),
        ("POST", "/api/admin/kafka/brokers/1/latency", new { ms = 10 }),
        ("POST", "/api/admin/kafka/brokers/1/errors", new { requests = "produce", count = 1 }),
        ("POST", "/api/admin/dead-letters/redrive", new { all = true }),
        ("POST", "/api/admin/dead-letters/discard", new { all = true }),
        ("POST", "/api/admin/read-models/ranking-service/rebuild?from=2026-01-01T00:00:00Z", null),
    ];

    private static readonly string[] Reads = ["/api/admin/cluster", "/api/admin/groups", "/api/admin/outbox", "/api/admin/kafka/brokers"];

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // A group paused and resumed rejoins after about one session timeout on the embedded cluster.
    protected override IReadOnlyDictionary<string, string?>? Settings => new Dictionary<string, string?>
    {
        ["Kafka:Consumer:SessionTimeoutMs"] = "6000",
        ["Kafka:Consumer:HeartbeatIntervalMs"] = "500",
    };

    [ProviderFact]
    public async Task The_cluster_the_groups_and_the_outbox_are_shown_and_the_groups_catch_up_with_a_booking()
    {
        var admin = await Api.AdminAsync();
        await BookAsync();
        var outbox = await WaitForAsync(admin.Http, "/api/admin/outbox", o => o.GetProperty("backlog").GetInt64() == 0);
        Assert.False(string.IsNullOrEmpty(outbox.GetProperty("leaseHolder").GetString()));
        Assert.True(outbox.GetProperty("publishedLastMinute").GetInt64() >= 2);

        var cluster = await (await admin.Http.GetAsync("/api/admin/cluster")).ReadAsync<JsonElement>();
        Assert.True(cluster.GetProperty("faultLab").GetBoolean());
        Assert.Equal([1, 2, 3], cluster.GetProperty("brokers").EnumerateArray().Select(b => b.GetProperty("id").GetInt32()));
        Assert.All(cluster.GetProperty("brokers").EnumerateArray(), b => Assert.True(b.GetProperty("up").GetBoolean()));
        var reservations = cluster.GetProperty("topics").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "reservation-events");
        Assert.Equal(3, reservations.GetProperty("partitions").GetArrayLength());
        Assert.All(reservations.GetProperty("partitions").EnumerateArray(), p => Assert.Equal(3, p.GetProperty("isr").GetArrayLength()));
        Assert.True(reservations.GetProperty("messages").GetInt64() >= 1);

        var groups = await WaitForAsync(admin.Http, "/api/admin/groups",
            g => g.GetArrayLength() == 3 && g.EnumerateArray().All(x => x.GetProperty("totalLag").GetInt64() == 0 && x.GetProperty("assignment").GetArrayLength() == 9));
        Assert.Equal(Groups, groups.EnumerateArray().Select(g => g.GetProperty("groupId").GetString()).Order());
        Assert.All(groups.EnumerateArray(), g => Assert.Equal("Running", g.GetProperty("state").GetString()));
        Assert.Contains(groups.EnumerateArray().SelectMany(g => g.GetProperty("partitions").EnumerateArray()), p => p.GetProperty("committedOffset").ValueKind == JsonValueKind.Number);

    }

    [ProviderFact]
    public async Task A_paused_group_can_be_reset_to_earliest_latest_or_a_time_and_resumes_from_there()
    {
        var admin = await Api.AdminAsync();
        await BookAsync();
        const string group = "ranking-service";
        await WaitForAsync(admin.Http, "/api/admin/groups", g => g.EnumerateArray().All(x => x.GetProperty("totalLag").GetInt64() == 0));

        await (await admin.Http.PostAsJsonAsync($"/api/admin/groups/{group}/reset", new { to = "earliest" }))
            .AssertProblemAsync(HttpStatusCode.Conflict, "group-running");
        var paused = await (await admin.Http.PostAsync($"/api/admin/groups/{group}/pause", null)).ReadAsync<JsonElement>();
        Assert.Equal("Paused", paused.GetProperty("state").GetString());

        await (await admin.Http.PostAsJsonAsync($"/api/admin/groups/{group}/reset", new { to = "sideways" })).AssertValidationProblemAsync("to");
        await (await admin.Http.PostAsJsonAsync($"/api/admin/groups/{group}/reset", new { to = "timestamp" })).AssertValidationProblemAsync("at");

        var earliest = await (await admin.Http.PostAsJsonAsync($"/api/admin/groups/{group}/reset", new { to = "earliest" })).ReadAsync<JsonElement>();
        Assert.Equal(2, earliest.EnumerateArray().Sum(p => p.GetProperty("lag").GetInt64()));
        Assert.All(earliest.EnumerateArray(), p => Assert.Equal(p.GetProperty("highWatermark").GetInt64(), p.GetProperty("lag").GetInt64()));

        var future = await (await admin.Http.PostAsJsonAsync($"/api/admin/groups/{group}/reset", new { to = "timestamp", at = DateTimeOffset.UtcNow.AddHours(1) })).ReadAsync<JsonElement>();
        Assert.Equal(0, future.EnumerateArray().Sum(p => p.GetProperty("lag").GetInt64()));
        var past = await (await admin.Http.PostAsJsonAsync($"/api/admin/groups/{group}/reset", new { to = "timestamp", at = DateTimeOffset.UtcNow.AddHours(-1) })).ReadAsync<JsonElement>();
        Assert.Equal(2, past.EnumerateArray().Sum(p => p.GetProperty("lag").GetInt64()));

        var resumed = await (await admin.Http.PostAsync($"/api/admin/groups/{group}/resume", null)).ReadAsync<JsonElement>();
        Assert.Equal("Running", resumed.GetProperty("state").GetString());
        await WaitForAsync(admin.Http, "/api/admin/groups", g => g.EnumerateArray().Single(x => x.GetProperty("groupId").GetString() == group).GetProperty("totalLag").GetInt64() == 0);

        // Re-reading the two events did not count the booking twice.
        var ranking = await admin.Http.GetFromJsonAsync<JsonElement>("/api/rankings/bookings?limit=10");
        Assert.Equal(1, ranking.EnumerateArray().Sum(c => c.GetProperty("confirmed").GetInt64()));

        await (await admin.Http.PostAsync("/api/admin/groups/no-such-group/pause", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");

        // Each action that succeeded is in the audit, newest first; the refused ones are not.
        var audit = (await admin.Http.GetFromJsonAsync<JsonElement>("/api/admin/audit?limit=50")).EnumerateArray()
            .Where(e => e.GetProperty("target").GetString() is group or "no-such-group").ToList();
        Assert.Equal(
            ["groups.resume", "groups.reset", "groups.reset", "groups.reset", "groups.pause"],
            audit.Select(e => e.GetProperty("action").GetString()));
        Assert.All(audit, e => Assert.Equal("admin@example.com", e.GetProperty("by").GetString()));
        Assert.Contains("\"earliest\"", audit[3].GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [ProviderFact]
    public async Task A_broker_taken_down_shows_as_down_while_bookings_succeed_and_comes_back()
    {
        var admin = await Api.AdminAsync();
        var down = await (await admin.Http.PostAsync("/api/admin/kafka/brokers/2/down", null)).ReadAsync<JsonElement>();
        Assert.True(down.GetProperty("down").GetBoolean());
        var cluster = await admin.Http.GetFromJsonAsync<JsonElement>("/api/admin/cluster");
        Assert.False(cluster.GetProperty("brokers").EnumerateArray().Single(b => b.GetProperty("id").GetInt32() == 2).GetProperty("up").GetBoolean());

        await BookAsync();
        await WaitForAsync(admin.Http, "/api/admin/outbox", o => o.GetProperty("backlog").GetInt64() == 0);

        await (await admin.Http.PostAsync("/api/admin/kafka/brokers/2/up", null)).ReadAsync<JsonElement>();
        await WaitForAsync(admin.Http, "/api/admin/cluster", c => c.GetProperty("brokers").EnumerateArray().All(b => b.GetProperty("up").GetBoolean()));

        var slow = await (await admin.Http.PostAsJsonAsync("/api/admin/kafka/brokers/3/latency", new { ms = 40 })).ReadAsync<JsonElement>();
        Assert.Equal(40, slow.GetProperty("latencyMs").GetInt32());
        await (await admin.Http.PostAsJsonAsync("/api/admin/kafka/brokers/3/latency", new { ms = 0 })).ReadAsync<JsonElement>();
        await (await admin.Http.PostAsJsonAsync("/api/admin/kafka/brokers/3/latency", new { ms = -5 })).AssertValidationProblemAsync("ms");

        var failing = await (await admin.Http.PostAsJsonAsync("/api/admin/kafka/brokers/1/errors", new { requests = "heartbeat", count = 3 })).ReadAsync<JsonElement>();
        Assert.True(failing.GetProperty("pendingErrors").GetProperty("Heartbeat").GetInt32() is > 0 and <= 3);
        await (await admin.Http.PostAsJsonAsync("/api/admin/kafka/brokers/1/errors", new { requests = "gossip" })).AssertValidationProblemAsync("requests");
        await (await admin.Http.PostAsync("/api/admin/kafka/brokers/9/down", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");

        var audit = (await admin.Http.GetFromJsonAsync<JsonElement>("/api/admin/audit?limit=50")).EnumerateArray()
            .Where(e => e.GetProperty("action").GetString()!.StartsWith("brokers.", StringComparison.Ordinal))
            .Select(e => $"{e.GetProperty("action").GetString()} {e.GetProperty("target").GetString()} {e.GetProperty("detail").GetString()}")
            .Reverse().ToList();
        Assert.Equal(
            ["brokers.down broker 2 ", "brokers.up broker 2 ", "brokers.latency broker 3 {\"ms\":40}", "brokers.latency broker 3 {\"ms\":0}",
             "brokers.errors broker 1 {\"requests\":\"heartbeat\",\"count\":3}"],
            audit);
    }

    [ProviderFact]
    public async Task Fans_get_403_on_every_operator_api_and_console_page()
    {
        var fan = await Api.SignInAsync();
        foreach (var path in Reads)
        {
            await (await fan.Http.GetAsync(path)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }

        foreach (var (method, path, body) in Actions)
        {
            await (await fan.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(body ?? new { }) }))
                .AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }

        foreach (var page in new[] { "/ops", "/ops/groups", "/ops/outbox", "/ops/fault-lab", "/ops/messages", "/ops/dead-letters" })
        {
            await (await fan.Http.GetAsync(page)).AssertStatusAsync(HttpStatusCode.Forbidden);
        }

        // Nothing the fan asked for happened.
        var admin = await Api.AdminAsync();
        var brokers = await admin.Http.GetFromJsonAsync<JsonElement>("/api/admin/kafka/brokers");
        Assert.All(brokers.EnumerateArray(), b => Assert.False(b.GetProperty("down").GetBoolean()));
        Assert.All(brokers.EnumerateArray(), b => Assert.Equal(0, b.GetProperty("latencyMs").GetInt32()));
        var groups = await admin.Http.GetFromJsonAsync<JsonElement>("/api/admin/groups");
        Assert.All(groups.EnumerateArray(), g => Assert.Equal("Running", g.GetProperty("state").GetString()));
    }

    [ProviderFact]
    public async Task Every_operator_action_is_in_the_OpenAPI_document()
    {
        var document = await Api.Anonymous().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        foreach (var path in new[]
                 {
                     "/api/admin/cluster", "/api/admin/groups", "/api/admin/outbox", "/api/admin/kafka/brokers",
                     "/api/admin/groups/{group}/pause", "/api/admin/groups/{group}/resume", "/api/admin/groups/{group}/reset",
                     "/api/admin/kafka/brokers/{id}/down", "/api/admin/kafka/brokers/{id}/up",
                     "/api/admin/kafka/brokers/{id}/latency", "/api/admin/kafka/brokers/{id}/errors",
                 })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is not in the OpenAPI document");
        }
    }

    private async Task BookAsync()
    {
        var concert = await Api.CreateConcertAsync(seats: 2);
        var seat = (await Api.SeatsAsync(concert.Id))[0];
        var fan = await Api.SignInAsync();
        await fan.ChargedAsync(100_000);
        var held = await fan.HeldAsync(concert.Id, seat.Id);
        await fan.PaidAsync(held.Id);
    }

    internal static async Task<JsonElement> WaitForAsync(HttpClient client, string path, Func<JsonElement, bool> done)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var value = await (await client.GetAsync(path)).ReadAsync<JsonElement>();
            if (done(value))
            {
                return value;
            }

            if (waited.Elapsed > Timeout)
            {
                Assert.Fail($"Timed out waiting on {path}; last read: {value}");
            }

            await Task.Delay(100);
        }
    }
}

public sealed class SqliteOpsConsoleApiTests() : OpsConsoleApiTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class PostgresOpsConsoleApiTests() : OpsConsoleApiTests(DatabaseProvider.Postgres);

/// <summary>With <c>Ops:ReadOnly=true</c> the console shows everything and every action API refuses.</summary>
public sealed class ReadOnlyOpsConsoleTests : IAsyncLifetime
{
    private BookingApi _api = null!;

    public async Task InitializeAsync() =>
        _api = await BookingApi.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["Ops:ReadOnly"] = "true" });

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Every_action_answers_403_read_only_and_the_reads_still_work()
    {
        var admin = await _api.AdminAsync();
        foreach (var (method, path, body) in OpsConsoleApiTests.Actions)
        {
            await (await admin.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(body ?? new { }) }))
                .AssertProblemAsync(HttpStatusCode.Forbidden, "ops-read-only");
        }

        var brokers = await admin.Http.GetFromJsonAsync<JsonElement>("/api/admin/kafka/brokers");
        Assert.All(brokers.EnumerateArray(), b => Assert.False(b.GetProperty("down").GetBoolean()));
        var groups = await admin.Http.GetFromJsonAsync<JsonElement>("/api/admin/groups");
        Assert.All(groups.EnumerateArray(), g => Assert.Equal("Running", g.GetProperty("state").GetString()));

        var page = await (await admin.Http.GetAsync("/ops/groups")).Content.ReadAsStringAsync();
        Assert.Contains("Read-only console", page);
        Assert.DoesNotContain("data-action", page);
    }
}
