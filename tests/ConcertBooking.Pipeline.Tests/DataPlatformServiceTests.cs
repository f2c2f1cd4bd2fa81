using ConcertBooking.Messaging.Embedded;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ConcertBooking.Contracts;
using ConcertBooking.DataPlatform;
using ConcertBooking.DataPlatform.Analytics;
using ConcertBooking.DataPlatform.Rebuild;
using ConcertBooking.Domain.Reservations;
using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Messaging.Hosting;
using ConcertBooking.Pipeline.Tests.Support;
using Confluent.Kafka;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ConcertBooking.Pipeline.Tests;

/// <summary>
/// The data platform on the whole pipeline: real bookings over HTTP, their events through the outbox and the embedded
/// cluster, plus hand-made events produced straight onto the topics (late, out of order, redelivered).
/// </summary>
public sealed class DataPlatformServiceTests : IDisposable
{
    // Long enough to pay right after holding on a busy machine, short enough to watch a hold expire.
    private readonly PipelineApp _app = new(settings: [("Booking:HoldDuration", "00:00:04"), ("Booking:SweepInterval", "00:00:00.100")]);

    [Fact]
    public async Task Analytics_follow_event_time_equal_the_booking_database_and_are_rebuilt_identically()
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        var fan1 = await _app.ClientForAsync("dp-fan1@example.com");
        var fan2 = await _app.ClientForAsync("dp-fan2@example.com");
        await Booking.ChargeAsync(fan1, 100_000);
        await Booking.ChargeAsync(fan2, 100_000);
        var (concertA, seatsA) = await Booking.CreateOpenConcertAsync(admin, seats: 3);
        var (concertB, seatsB) = await Booking.CreateOpenConcertAsync(admin, seats: 3);
        var beforeAnyHold = DateTimeOffset.UtcNow;

        var a1 = await Booking.HoldAsync(fan1, concertA, seatsA[0]);
        await Booking.PayAsync(fan1, a1);

        // Published as well, so its records on Kafka are older than this moment too.
        await _app.WaitUntilAllGroupsProcessedEverythingAsync();
        var afterFirstSale = DateTimeOffset.UtcNow;

        await Booking.PayAsync(fan2, await Booking.HoldAsync(fan2, concertA, seatsA[1]));
        var b1 = await Booking.HoldAsync(fan1, concertB, seatsB[0]);
        Assert.Equal(HttpStatusCode.NoContent, (await fan1.DeleteAsync($"/api/reservations/{b1}")).StatusCode);
        var b2 = await Booking.HoldAsync(fan2, concertB, seatsB[1]);
        await Booking.PayAsync(fan1, await Booking.HoldAsync(fan1, concertA, seatsA[2]));
        await Booking.PayAsync(fan2, await Booking.HoldAsync(fan2, concertB, seatsB[2]));
        await Eventually.WaitAsync(
            () => _app.WithBookingDbAsync(db => db.Reservations.Where(r => r.Id == b2).Select(r => r.Status).SingleAsync()),
            status => status == ReservationStatus.Expired,
            "the unpaid hold to expire");
        await _app.WaitUntilAllGroupsProcessedEverythingAsync();

        // A hand-made reservation from three days ago, its payment arriving first (another topic, no concert id):
        // the payment must wait for the reservation instead of being lost or misfiled. The reservation goes onto the
        // partition of A1's hold, so that partition has records on both sides of afterFirstSale.
        var lateAt = HourlyReservations.HourOf(DateTimeOffset.UtcNow.AddDays(-3)).AddMinutes(17);
        var late = new ReservationCreated(900_000_001, 900_000_003, 900_000_002, 1, 25_000, "late@example.com", "Late Night")
        {
            OccurredAt = lateAt,
            ExpiresAt = lateAt.AddMinutes(5),
        };
        var latePayment = new PaymentCompleted(900_000_004, late.ReservationId, late.UserId, 25_000, "POINTS") { OccurredAt = lateAt.AddMinutes(5) };
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = _app.Kafka.BootstrapServers }).Build();
        await producer.ProduceAsync(latePayment.Topic, new Message<string, byte[]> { Key = latePayment.Key, Value = EventSerializer.SerializeToUtf8Bytes(latePayment) });
        await WaitUntilArchivedAsync(latePayment.EventId);
        Assert.Equal(HttpStatusCode.NotFound, (await fan1.GetAsync($"/api/analytics/concerts/{late.ConcertId}")).StatusCode);

        var a1Partition = await WithDataPlatformDbAsync(db => db.ArchivedEvents
            .Where(e => e.ReservationId == a1 && e.EventType == EventTypes.ReservationCreated).Select(e => e.Partition).SingleAsync());
        await producer.ProduceAsync(
            new TopicPartition(late.Topic, a1Partition), new Message<string, byte[]> { Key = late.Key, Value = EventSerializer.SerializeToUtf8Bytes(late) });
        await WaitUntilArchivedAsync(late.EventId);

        // Per concert: exactly what the booking database says.
        var figuresA = await GetAsync<ConcertAnalyticsDto>(fan1, $"/api/analytics/concerts/{concertA}");
        Assert.Equal(await BookingFigures.ConcertAsync(_app, concertA), figuresA);
        Assert.Equal((3, 3, 30_000, true), (figuresA.Reservations, figuresA.Confirmed, figuresA.Revenue, figuresA.SoldOut));
        Assert.True(figuresA.SoldOutSeconds is > 0 and < 3_600, $"sold out {figuresA.SoldOutSeconds} s after booking opened, which was when the test created the concert");
        var figuresB = await GetAsync<ConcertAnalyticsDto>(fan1, $"/api/analytics/concerts/{concertB}");
        Assert.Equal(await BookingFigures.ConcertAsync(_app, concertB), figuresB);
        Assert.Equal(new ConcertAnalyticsDto(concertB, 3, 0, 1, 1, 1, 10_000, false, null), figuresB);
        Assert.Equal(
            new ConcertAnalyticsDto(late.ConcertId, 1, 0, 1, 0, 0, 25_000, false, null),
            await GetAsync<ConcertAnalyticsDto>(fan1, $"/api/analytics/concerts/{late.ConcertId}"));

        // Per hour of event time: the late hold counts three days back, not now.
        var hourlyUrl = $"/api/analytics/reservations/hourly?from={Iso(HourlyReservations.HourOf(lateAt).AddHours(-1))}&to={Iso(DateTimeOffset.UtcNow.AddHours(1))}";
        var hourly = await GetAsync<HourlyReservationsDto>(fan1, hourlyUrl);
        var expectedHours = (await _app.WithBookingDbAsync(db => db.Reservations.Select(r => r.CreatedAt).ToListAsync()))
            .Append(lateAt)
            .GroupBy(HourlyReservations.HourOf)
            .ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(expectedHours, hourly.Hours.Where(h => h.Reservations > 0).ToDictionary(h => h.Hour, h => h.Reservations));
        Assert.Equal(1, hourly.Hours.Single(h => h.Hour == HourlyReservations.HourOf(lateAt)).Reservations);
        Assert.Equal(7, hourly.Total);

        // Per user (admin).
        var fan1Id = await _app.WithBookingDbAsync(db => db.Users.Where(u => u.Email == "dp-fan1@example.com").Select(u => u.Id).SingleAsync());
        var fan1Figures = await GetAsync<UserAnalyticsDto>(admin, $"/api/analytics/users/{fan1Id}");
        Assert.Equal(await ExpectedUserFromBookingDbAsync(fan1Id), fan1Figures);
        Assert.Equal((3, 2, 20_000), (fan1Figures.Reservations, fan1Figures.Payments, fan1Figures.Spend));
        Assert.Equal(
            new UserAnalyticsDto(late.UserId, 1, 1, 25_000, lateAt.Hour),
            await GetAsync<UserAnalyticsDto>(admin, $"/api/analytics/users/{late.UserId}"));

        // The archive: every event once, as it was on the wire.
        var outbox = await _app.WithBookingDbAsync(db => db.OutboxMessages.ToDictionaryAsync(m => m.EventId, m => m.Payload));
        var archive = await WithDataPlatformDbAsync(db => db.ArchivedEvents.ToListAsync());
        Assert.Equal(outbox.Count + 2, archive.Count);
        Assert.Equal(outbox.Keys.Append(late.EventId).Append(latePayment.EventId).Order(), archive.Select(a => a.EventId).Order());
        Assert.All(archive.Where(a => outbox.ContainsKey(a.EventId)), a => Assert.Equal(outbox[a.EventId], a.Payload));
        Assert.Equal(Encoding.UTF8.GetString(EventSerializer.SerializeToUtf8Bytes(late)), archive.Single(a => a.EventId == late.EventId).Payload);
        Assert.Equal(lateAt, archive.Single(a => a.EventId == late.EventId).OccurredAt);

        // Redelivery: the same bytes again change nothing.
        var live = await AnalyticsApi.SnapshotAsync(fan1, admin, [concertA, concertB, late.ConcertId], [fan1Id, late.UserId], hourlyUrl);
        var paymentOfA1 = archive.Single(a => a.EventType == EventTypes.PaymentCompleted && a.ReservationId == a1);
        await producer.ProduceAsync(paymentOfA1.Topic, new Message<string, byte[]> { Key = paymentOfA1.Key!, Value = Encoding.UTF8.GetBytes(paymentOfA1.Payload) });
        await producer.ProduceAsync(late.Topic, new Message<string, byte[]> { Key = late.Key, Value = EventSerializer.SerializeToUtf8Bytes(late) });
        await WaitUntilDataPlatformCaughtUpAsync();
        Assert.Equal(live, await AnalyticsApi.SnapshotAsync(fan1, admin, [concertA, concertB, late.ConcertId], [fan1Id, late.UserId], hourlyUrl));
        Assert.Equal(archive.Count, await WithDataPlatformDbAsync(db => db.ArchivedEvents.CountAsync()));

        // As of a moment: only what had happened by then.
        Assert.Equal(
            new ConcertAnalyticsDto(concertA, 1, 0, 1, 0, 0, 10_000, false, null),
            await GetAsync<ConcertAnalyticsDto>(fan1, $"/api/analytics/concerts/{concertA}?asOf={Iso(afterFirstSale)}"));
        Assert.Equal(
            new ConcertAnalyticsDto(late.ConcertId, 1, 1, 0, 0, 0, 0, false, null),
            await GetAsync<ConcertAnalyticsDto>(fan1, $"/api/analytics/concerts/{late.ConcertId}?asOf={Iso(lateAt.AddMinutes(1))}"));
        Assert.Equal(HttpStatusCode.NotFound, (await fan1.GetAsync($"/api/analytics/concerts/{concertA}?asOf={Iso(beforeAnyHold)}")).StatusCode);
        foreach (var concertId in new[] { concertA, concertB, late.ConcertId })
        {
            Assert.Equal(
                await GetAsync<ConcertAnalyticsDto>(fan1, $"/api/analytics/concerts/{concertId}"),
                await GetAsync<ConcertAnalyticsDto>(fan1, $"/api/analytics/concerts/{concertId}?asOf={Iso(DateTimeOffset.UtcNow.AddDays(1))}"));
        }

        // Rebuilt from the beginning out of Kafka: identical.
        var full = await RebuildAsync(admin, "1970-01-01T00:00:00Z");
        Assert.Equal(("kafka", archive.Count, 0), (full.Source, full.EventsReplayed, full.FromArchive));
        Assert.Equal(live, await AnalyticsApi.SnapshotAsync(fan1, admin, [concertA, concertB, late.ConcertId], [fan1Id, late.UserId], hourlyUrl));

        // From a moment inside a partition's records: librdkafka's mock cluster finds no offset for it (a real broker
        // would), so the archive stands in. Only events from then on count.
        var partial = await RebuildAsync(admin, Iso(afterFirstSale));
        Assert.Equal("archive", partial.Source);
        Assert.Contains("could not find the offset", partial.FallbackReason, StringComparison.Ordinal);
        Assert.Equal(await WithDataPlatformDbAsync(db => db.ArchivedEvents.CountAsync(a => a.OccurredAt >= afterFirstSale)), partial.EventsReplayed);
        Assert.Equal(5, (await GetAsync<HourlyReservationsDto>(fan1, hourlyUrl)).Total);
        Assert.Equal(HttpStatusCode.NotFound, (await fan1.GetAsync($"/api/analytics/concerts/{late.ConcertId}")).StatusCode);
        Assert.Equal(
            new ConcertAnalyticsDto(concertA, 2, 0, 2, 0, 0, 20_000, true, figuresA.SoldOutSeconds),
            await GetAsync<ConcertAnalyticsDto>(fan1, $"/api/analytics/concerts/{concertA}"));

        // The cluster loses the payment topic's records: the archive supplies them and the result is identical again.
        DeleteAllRecords(Topics.PaymentEvents);
        var supplemented = await RebuildAsync(admin, "1970-01-01T00:00:00Z");
        var payments = archive.Count(a => a.Topic == Topics.PaymentEvents);
        Assert.Equal(("kafka+archive", archive.Count, payments), (supplemented.Source, supplemented.EventsReplayed, supplemented.FromArchive));
        Assert.Equal(live, await AnalyticsApi.SnapshotAsync(fan1, admin, [concertA, concertB, late.ConcertId], [fan1Id, late.UserId], hourlyUrl));

        // The live consumer carries on after rebuilds without repeating anything.
        await Booking.PayAsync(fan1, await Booking.HoldAsync(fan1, concertB, seatsB[0]));
        await _app.WaitUntilAllGroupsProcessedEverythingAsync();
        Assert.Equal(await BookingFigures.ConcertAsync(_app, concertB), await GetAsync<ConcertAnalyticsDto>(fan1, $"/api/analytics/concerts/{concertB}"));
        Assert.Equal(8, (await GetAsync<HourlyReservationsDto>(fan1, hourlyUrl)).Total);
        Assert.Equal(archive.Count + 2, await WithDataPlatformDbAsync(db => db.ProcessedEvents.CountAsync(p => p.GroupId == DataPlatformService.GroupId)));
    }

    [Fact]
    public async Task Every_endpoint_refuses_what_it_cannot_answer()
    {
        var anonymous = _app.CreateClient();
        var fan = await _app.ClientForAsync("dp-errors@example.com");
        var admin = await _app.ClientForAsync("admin@example.com");

        foreach (var url in new[] { "/api/analytics/reservations/hourly?from=2025-01-01T00:00:00Z&to=2025-01-02T00:00:00Z", "/api/analytics/concerts/1", "/api/analytics/users/1" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(url)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync(RebuildUrl(DataPlatformService.GroupId, "2025-01-01T00:00:00Z"), null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await fan.GetAsync("/api/analytics/users/1")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await fan.PostAsync(RebuildUrl(DataPlatformService.GroupId, "2025-01-01T00:00:00Z"), null)).StatusCode);

        await AssertInvalidAsync(fan.GetAsync("/api/analytics/reservations/hourly?to=2025-01-02T00:00:00Z"), "from");
        await AssertInvalidAsync(fan.GetAsync("/api/analytics/reservations/hourly?from=2025-01-01T00:00:00Z"), "to");
        await AssertInvalidAsync(fan.GetAsync("/api/analytics/reservations/hourly?from=yesterday&to=2025-01-02T00:00:00Z"), "from");
        await AssertInvalidAsync(fan.GetAsync("/api/analytics/reservations/hourly?from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z"), "to");
        await AssertInvalidAsync(fan.GetAsync("/api/analytics/reservations/hourly?from=2025-01-01T00:00:00Z&to=2025-02-02T00:00:00Z"), "to");
        await AssertInvalidAsync(fan.GetAsync("/api/analytics/concerts/1?asOf=13/01/2025"), "asOf");
        await AssertInvalidAsync(admin.PostAsync($"/api/admin/read-models/{DataPlatformService.GroupId}/rebuild", null), "from");
        await AssertInvalidAsync(admin.PostAsync(RebuildUrl(DataPlatformService.GroupId, "not-a-time"), null), "from");
        await AssertInvalidAsync(admin.PostAsync(RebuildUrl(DataPlatformService.GroupId, Iso(DateTimeOffset.UtcNow.AddHours(1))), null), "from");

        await AssertProblemAsync(fan.GetAsync("/api/analytics/concerts/424242"), HttpStatusCode.NotFound, "not-found");
        await AssertProblemAsync(fan.GetAsync("/api/analytics/concerts/424242?asOf=2025-01-01T00:00:00Z"), HttpStatusCode.NotFound, "not-found");
        await AssertProblemAsync(admin.GetAsync("/api/analytics/users/424242"), HttpStatusCode.NotFound, "not-found");
        await AssertProblemAsync(admin.PostAsync(RebuildUrl("no-such-group", "2025-01-01T00:00:00Z"), null), HttpStatusCode.NotFound, "not-found");

        // A known group that has not plugged in a rebuilder (yet).
        await using var scope = _app.Services.CreateAsyncScope();
        var withoutRebuilder = scope.ServiceProvider.GetServices<ConsumerGroupSubscription>()
            .FirstOrDefault(g => scope.ServiceProvider.GetKeyedService<IReadModelRebuilder>(g.GroupId) is null);
        if (withoutRebuilder is not null)
        {
            await AssertProblemAsync(
                admin.PostAsync(RebuildUrl(withoutRebuilder.GroupId, "2025-01-01T00:00:00Z"), null), HttpStatusCode.Conflict, "read-models-not-rebuildable");
        }

        // An offset's '+' that was not URL-encoded arrives as a space and is still understood.
        var hourly = await GetAsync<HourlyReservationsDto>(fan, "/api/analytics/reservations/hourly?from=2025-01-01T09:00:00+09:00&to=2025-01-01T12:00:00+09:00");
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), hourly.From);
        Assert.Equal(3, hourly.Hours.Count);
        Assert.Equal(0, hourly.Total);
    }

    [Fact]
    public async Task Another_group_plugs_in_a_rebuilder_and_a_rebuild_never_drops_what_it_processed()
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        var fan = await _app.ClientForAsync("dp-other-group@example.com");
        await Booking.ChargeAsync(fan, 100_000);
        var (concertId, seats) = await Booking.CreateOpenConcertAsync(admin, seats: 1);
        await Booking.PayAsync(fan, await Booking.HoldAsync(fan, concertId, seats[0]));
        await _app.WaitUntilAllGroupsProcessedEverythingAsync();

        // The ranking group reads all three topics: one hold, one payment, one sell-out.
        const string group = "ranking-service";
        await using var scope = _app.Services.CreateAsyncScope();
        var rebuilder = new RecordingRebuilder(scope.ServiceProvider.GetRequiredService<ProcessedEventsDbContext>());
        var rebuild = ActivatorUtilities.CreateInstance<ReadModelRebuild>(scope.ServiceProvider, new WithRebuilder(scope.ServiceProvider, group, rebuilder));

        var result = await rebuild.RunAsync(group, DateTimeOffset.UnixEpoch, CancellationToken.None);
        Assert.Equal(RebuildOutcome.Rebuilt, result.Outcome);
        Assert.Equal(("kafka", 3), (result.Summary!.Source, result.Summary.EventsReplayed));
        Assert.Equal(
            [EventTypes.ConcertSoldOut, EventTypes.PaymentCompleted, EventTypes.ReservationCreated],
            rebuilder.Applied.Select(e => e.Event.EventType).Order());
        Assert.Equal(1, rebuilder.Resets);

        // An event the group applied that neither Kafka nor the archive can give back: the rebuild refuses rather
        // than commit read models without it.
        var processedElsewhere = new ProcessedEvent
        {
            GroupId = group,
            EventId = Guid.CreateVersion7(),
            EventType = EventTypes.ReservationCreated,
            Topic = Topics.ReservationEvents,
            Partition = 0,
            Offset = 0,
            OccurredAt = DateTimeOffset.UtcNow,
            ProcessedAt = DateTimeOffset.UtcNow,
        };
        await _app.WithMessagingDbAsync(db =>
        {
            db.ProcessedEvents.Add(processedElsewhere);
            return db.SaveChangesAsync();
        });
        var refused = await rebuild.RunAsync(group, DateTimeOffset.UnixEpoch, CancellationToken.None);
        Assert.Equal(RebuildOutcome.ArchiveBehind, refused.Outcome);
        Assert.Contains("(1 of them)", refused.Detail, StringComparison.Ordinal);
    }

    public void Dispose() => _app.Dispose();

    private static string Iso(DateTimeOffset time) => Uri.EscapeDataString(time.ToUniversalTime().ToString("O"));

    private static string RebuildUrl(string group, string from) => $"/api/admin/read-models/{group}/rebuild?from={from}";

    private static async Task<T> GetAsync<T>(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>(PipelineApp.Json))!;
    }

    private static async Task<RebuildSummary> RebuildAsync(HttpClient admin, string from)
    {
        var response = await admin.PostAsync(RebuildUrl(DataPlatformService.GroupId, from), null);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"rebuild: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var summary = (await response.Content.ReadFromJsonAsync<RebuildSummary>(PipelineApp.Json))!;
        Assert.Equal(DataPlatformService.GroupId, summary.Group);
        return summary;
    }

    private static async Task AssertInvalidAsync(Task<HttpResponseMessage> request, string field)
    {
        var problem = await AssertProblemAsync(request, HttpStatusCode.BadRequest, "validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"expected an error on {field}: {problem}");
    }

    private static async Task<JsonElement> AssertProblemAsync(Task<HttpResponseMessage> request, HttpStatusCode status, string slug)
    {
        var response = await request;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal("https://concertbooking.dev/problems/" + slug, problem.GetProperty("type").GetString());
        return problem;
    }


    private Task<UserAnalyticsDto> ExpectedUserFromBookingDbAsync(long userId) => _app.WithBookingDbAsync(async db =>
    {
        var heldAt = await db.Reservations.Where(r => r.UserId == userId).Select(r => r.CreatedAt).ToListAsync();
        var paid = await db.Payments.Where(p => p.UserId == userId).Select(p => p.Amount).ToListAsync();
        var favourite = heldAt.GroupBy(t => t.UtcDateTime.Hour).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
        return new UserAnalyticsDto(userId, heldAt.Count, paid.Count, paid.Sum(), favourite);
    });

    private async Task<T> WithDataPlatformDbAsync<T>(Func<DataPlatformDbContext, Task<T>> query)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<DataPlatformDbContext>());
    }

    private Task WaitUntilArchivedAsync(Guid eventId) => Eventually.WaitAsync(
        () => WithDataPlatformDbAsync(db => db.ArchivedEvents.AnyAsync(a => a.EventId == eventId)),
        archived => archived,
        $"event {eventId} in the archive");

    /// <summary>Until the data-platform group has committed past everything on its topics (records that change
    /// nothing leave no other trace).</summary>
    private Task WaitUntilDataPlatformCaughtUpAsync() => Eventually.WaitAsync(
        async () =>
        {
            var overview = await _app.Services.GetRequiredService<KafkaAdminQueries>().GetOverviewAsync(CancellationToken.None);
            return overview.Groups.Single(g => g.GroupId == DataPlatformService.GroupId).TotalLag;
        },
        lag => lag == 0,
        "the data-platform group to catch up");

    private void DeleteAllRecords(string topic)
    {
        using var probe = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = _app.Kafka.BootstrapServers, GroupId = "dp-test-probe" }).Build();
        for (var partition = 0; partition < 3; partition++)
        {
            var high = probe.QueryWatermarkOffsets(new TopicPartition(topic, partition), TimeSpan.FromSeconds(10)).High;
            _app.Services.EmbeddedCluster()!.DeleteRecords(topic, partition, high.Value);
        }
    }

    /// <summary>Read models that only remember what a rebuild fed them.</summary>
    private sealed class RecordingRebuilder(ProcessedEventsDbContext db) : IReadModelRebuilder
    {
        public List<ConsumedEvent> Applied { get; } = [];

        public int Resets { get; private set; }

        public DbContext Db => db;

        public Task ResetAsync(CancellationToken cancellationToken)
        {
            Resets++;
            Applied.Clear();
            return Task.CompletedTask;
        }

        public Task ApplyAsync(IReadOnlyList<ConsumedEvent> events, CancellationToken cancellationToken)
        {
            Applied.AddRange(events);
            return Task.CompletedTask;
        }
    }

    /// <summary>The app's services plus one group's rebuilder, as that group's service would register it.</summary>
    private sealed class WithRebuilder(IServiceProvider inner, string groupId, IReadModelRebuilder rebuilder) : IKeyedServiceProvider
    {
        public object? GetService(Type serviceType) => inner.GetService(serviceType);

        public object? GetKeyedService(Type serviceType, object? serviceKey) =>
            serviceType == typeof(IReadModelRebuilder) && Equals(serviceKey, groupId)
                ? rebuilder
                : ((IKeyedServiceProvider)inner).GetKeyedService(serviceType, serviceKey);

        public object GetRequiredKeyedService(Type serviceType, object? serviceKey) =>
            GetKeyedService(serviceType, serviceKey) ?? throw new InvalidOperationException($"No {serviceType} for {serviceKey}.");
    }
}
