using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ConcertBooking.Api;
using ConcertBooking.Infrastructure.Persistence;
using ConcertBooking.Messaging;
using ConcertBooking.Messaging.Consumers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ConcertBooking.Pipeline.Tests.Support;

/// <summary>
/// The whole application in process: real HTTP pipeline, real SQLite file, the embedded 3-broker cluster, the
/// relay and all three consumer groups. <paramref name="settings"/> override configuration for one test;
/// <paramref name="services"/> adds to the app's services (after the app's own).
/// </summary>
public sealed class PipelineApp(
    string? dataDirectory = null, IReadOnlyList<(string Key, string Value)>? settings = null, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    public static readonly string[] Groups =
        [DownstreamServices.NotificationGroup, DownstreamServices.RankingGroup, DownstreamServices.DataPlatformGroup];

    private readonly bool _ownsDataDirectory = dataDirectory is null;

    public string DataDirectory { get; } = dataDirectory ?? Path.Combine(Path.GetTempPath(), "concertbooking-pipeline-" + Guid.NewGuid().ToString("N"));

    public static readonly JsonSerializerOptions Json = CreateJson();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Database:DataDirectory", DataDirectory);
        builder.UseSetting("Booking:DemoData", "false");
        builder.ConfigureServices(s => s.AddServiceDatabase<ProcessedEventsDbContext>(DatabaseExtensions.DefaultConnection, migrated: false));
        if (services is not null)
        {
            builder.ConfigureServices(services);
        }

        foreach (var (key, value) in FastKafkaSettings.Concat(settings ?? []))
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>The mock cluster holds every empty fetch for the full wait and delays rejoins by the session
    /// timeout (see docs); short values keep tests quick without changing behaviour.</summary>
    public static readonly IReadOnlyList<(string Key, string Value)> FastKafkaSettings =
    [
        ("Kafka:Consumer:FetchWaitMaxMs", "10"),
        ("Kafka:Consumer:SessionTimeoutMs", "6000"),
        ("Kafka:Consumer:HeartbeatIntervalMs", "500"),
        ("Kafka:Producer:MessageTimeoutMs", "60000"),
    ];

    public KafkaConnection Kafka => Services.GetRequiredService<KafkaConnection>();

    public async Task<HttpClient> ClientForAsync(string email)
    {
        var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { email, name = email.Split('@')[0] });
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<JsonElement>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());
        return client;
    }

    public async Task<T> WithBookingDbAsync<T>(Func<BookingDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<BookingDbContext>());
    }

    public async Task<T> WithMessagingDbAsync<T>(Func<ProcessedEventsDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<ProcessedEventsDbContext>());
    }

    /// <summary>Any of the contexts on the app's database: the booking core's or a service's own.</summary>
    public async Task<T> WithDbAsync<TContext, T>(Func<TContext, Task<T>> query)
        where TContext : DbContext
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<TContext>());
    }

    /// <summary>Waits until every group has processed every outbox event of the topics it reads.</summary>
    public Task WaitUntilAllGroupsProcessedEverythingAsync(TimeSpan? timeout = null) =>
        WaitUntilGroupsProcessedEverythingAsync(Groups, timeout);

    /// <summary>Waits until the given groups have processed every outbox event of the topics they read.</summary>
    public async Task WaitUntilGroupsProcessedEverythingAsync(IReadOnlyCollection<string> groups, TimeSpan? timeout = null)
    {
        var subscriptions = Services.GetServices<ConsumerGroupSubscription>().Where(s => groups.Contains(s.GroupId)).ToList();
        await Eventually.WaitAsync(
            async () =>
            {
                var missing = new List<string>();
                foreach (var group in subscriptions)
                {
                    var expected = await WithBookingDbAsync(db => db.OutboxMessages.Where(m => group.Topics.Contains(m.Topic)).Select(m => new { m.EventId, m.EventType, m.SentAt }).ToListAsync());
                    var processed = (await WithMessagingDbAsync(db => db.ProcessedEvents.Where(p => p.GroupId == group.GroupId).Select(p => p.EventId).ToListAsync())).ToHashSet();
                    var gap = expected.Where(e => !processed.Contains(e.EventId)).ToList();
                    if (gap.Count > 0)
                    {
                        var unsent = gap.Count(e => e.SentAt is null);
                        missing.Add($"{group.GroupId} misses {gap.Count} ({string.Join(", ", gap.Take(5).Select(e => e.EventType))}; {unsent} not yet sent)");
                    }
                }

                return missing;
            },
            missing => missing.Count == 0,
            "every group to process every outbox event",
            timeout);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownsDataDirectory && Directory.Exists(DataDirectory))
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // SQLite may still hold the file for a moment; a temp directory left behind is harmless.
            }
        }
    }

    private static JsonSerializerOptions CreateJson()
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiExtensions.ConfigureJson(json);
        return json;
    }
}
