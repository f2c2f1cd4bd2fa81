using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ConcertBooking.Contracts;
using ConcertBooking.DataPlatform;
using ConcertBooking.DataPlatform.Analytics;
using ConcertBooking.DataPlatform.Archive;
using ConcertBooking.DataPlatform.Rebuild;
using ConcertBooking.Domain.Reservations;
using ConcertBooking.Messaging;
using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Pipeline.Tests.Support;
using ConcertBooking.Rankings;
using Confluent.Kafka;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ConcertBooking.Pipeline.Tests;

/// <summary>
/// The end-to-end scenario with real clients on the embedded cluster: fans book across three concerts, one
/// sells out under a waitlist, a poison record lands on a topic, and every service's read models must then agree with
/// the booking database exactly, also after a rebuild and after the host is killed mid-load and restarted.
/// </summary>
public sealed class EndToEndScenarioTests : IDisposable
{
    private const string PoisonKey = "e2e-poison";

    // Not JSON at all: every group must park it on the DLT at once instead of retrying or stalling the partition.
    private static readonly byte[] Poison = Encoding.UTF8.GetBytes("<<not an event>>");

    private enum Then
    {
        Hold,
        Pay,
        Cancel,
    }

    private sealed record Step(int Concert, int Seat, Then Then);

    // Concerts 0 and 1 have 10 seats, concert 2 has 3 and sells out. What each fan does, in order; the fans run in
    // parallel. Concert 0: six holds, four paid, two left held. Concert 2: three paid. Concert 1: two holds, one paid,
    // one cancelled. So the booking ranking is 0 (6/4), 2 (3/3), 1 (2/1).
    private static readonly Step[][] Plan =
    [
        [new(0, 0, Then.Pay), new(0, 4, Then.Pay), new(1, 0, Then.Pay)],
        [new(0, 1, Then.Pay), new(2, 0, Then.Pay), new(0, 5, Then.Hold)],
        [new(2, 1, Then.Pay), new(0, 2, Then.Pay), new(1, 1, Then.Cancel)],
        [new(0, 3, Then.Hold), new(2, 2, Then.Pay)],
    ];

    private readonly PipelineApp _app = new();
    private readonly string _crashDirectory = Path.Combine(Path.GetTempPath(), "concertbooking-e2e-crash-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Fans_book_a_concert_sells_out_a_poison_record_is_parked_and_every_read_model_equals_the_booking_database()
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        var concerts = new[]
        {
            await Booking.CreateOpenConcertAsync(admin, seats: 10),
            await Booking.CreateOpenConcertAsync(admin, seats: 10),
            await Booking.CreateOpenConcertAsync(admin, seats: 3),
        };
        var soldOut = concerts[2].ConcertId;
        var fans = await Task.WhenAll(Plan.Select((_, i) => _app.ClientForAsync($"e2e-fan{i + 1}@example.com")));
        var waiters = await Task.WhenAll(_app.ClientForAsync("e2e-waiter1@example.com"), _app.ClientForAsync("e2e-waiter2@example.com"));
        foreach (var waiter in waiters)
        {
            Assert.Equal(HttpStatusCode.Created, (await waiter.PostAsync($"/api/concerts/{soldOut}/waitlist", null)).StatusCode);
        }

        foreach (var fan in fans)
        {
            await Booking.ChargeAsync(fan, 1_000_000);
        }

        // The poison goes on while the fans book, so the groups meet it between real events.
        var load = fans.Select((fan, i) => FollowPlanAsync(fan, Plan[i], concerts)).ToList();
        await TopicRecords.ProduceAsync(_app.Kafka.BootstrapServers, [(Topics.ReservationEvents, PoisonKey, Poison, null)]);
        await Task.WhenAll(load);
        await _app.WaitUntilAllGroupsProcessedEverythingAsync();

        var outbox = await _app.WithBookingDbAsync(db => db.OutboxMessages.AsNoTracking().ToListAsync());
        Assert.Equal(
            (11, 8, 1, 1),
            (Count(EventTypes.ReservationCreated), Count(EventTypes.PaymentCompleted), Count(EventTypes.ReservationCancelled), Count(EventTypes.ConcertSoldOut)));

        // Notifications: exactly the events of the fan's own holds and payments, each once, and nothing else.
        foreach (var (fan, steps) in fans.Zip(Plan))
        {
            var userId = await NotificationsApi.UserIdAsync(fan);
            var mine = await NotificationsApi.MineAsync(fan);
            var confirmations = mine.Where(n => n.Type == "RESERVATION_CONFIRMATION").Select(n => n.EventId).Order().ToList();
            var receipts = mine.Where(n => n.Type == "PAYMENT_RECEIPT").Select(n => n.EventId).Order().ToList();
            Assert.Equal(EventIdsOf(EventTypes.ReservationCreated, userId), confirmations);
            Assert.Equal(EventIdsOf(EventTypes.PaymentCompleted, userId), receipts);
            Assert.Equal(steps.Length, confirmations.Count);
            Assert.Equal(steps.Count(s => s.Then == Then.Pay), receipts.Count);
            Assert.Equal(confirmations.Count + receipts.Count, mine.Count);
        }

        var soldOutEventId = outbox.Single(m => m.EventType == EventTypes.ConcertSoldOut).EventId;
        foreach (var waiter in waiters)
        {
            var notice = Assert.Single(await NotificationsApi.MineAsync(waiter));
            Assert.Equal(("CONCERT_SOLD_OUT", soldOutEventId), (notice.Type, notice.EventId));
        }

        // Rankings: what the plan did, which is also what the booking database counts.
        var names = await Task.WhenAll(concerts.Select(c => NotificationsApi.ConcertNameAsync(admin, c.ConcertId)));
        BookingRankEntry[] expectedRanking =
        [
            new(concerts[0].ConcertId, names[0], 6, 4),
            new(concerts[2].ConcertId, names[2], 3, 3),
            new(concerts[1].ConcertId, names[1], 2, 1),
        ];
        var anonymous = _app.CreateClient();
        Assert.Equal(expectedRanking, await anonymous.GetFromJsonAsync<List<BookingRankEntry>>("/api/rankings/bookings", PipelineApp.Json));
        Assert.Equal(expectedRanking.Select(e => (e.ConcertId, e.Reservations, e.Confirmed)), await RankingFromBookingDbAsync());

        var soldOutRank = Assert.Single((await anonymous.GetFromJsonAsync<List<SoldOutRankEntry>>("/api/rankings/sold-out", PipelineApp.Json))!);
        var soldOutConcert = await _app.WithBookingDbAsync(db => db.Concerts.AsNoTracking().SingleAsync(c => c.Id == soldOut));
        Assert.Equal((soldOut, names[2], soldOutConcert.SoldOutAt), (soldOutRank.ConcertId, soldOutRank.ConcertName, (DateTimeOffset?)soldOutRank.SoldOutTime));
        Assert.Equal((soldOutConcert.SoldOutAt!.Value - soldOutConcert.BookingOpensAt).TotalSeconds, soldOutRank.SoldOutSeconds, precision: 3);

        // Analytics: per concert and per hour of event time, as the booking database says.
        var firstHold = outbox.Where(m => m.EventType == EventTypes.ReservationCreated).Min(m => m.OccurredAt);
        var hourlyUrl = $"/api/analytics/reservations/hourly?from={Iso(HourlyReservations.HourOf(firstHold))}&to={Iso(DateTimeOffset.UtcNow.AddHours(1))}";
        var hourly = (await fans[0].GetFromJsonAsync<HourlyReservationsDto>(hourlyUrl, PipelineApp.Json))!;
        Assert.Equal(await BookingFigures.HourlyAsync(_app), hourly.Hours.Where(h => h.Reservations > 0).ToDictionary(h => h.Hour, h => h.Reservations));
        Assert.Equal(11, hourly.Total);
        foreach (var (concertId, _) in concerts)
        {
            Assert.Equal(
                await BookingFigures.ConcertAsync(_app, concertId),
                await fans[0].GetFromJsonAsync<ConcertAnalyticsDto>($"/api/analytics/concerts/{concertId}", PipelineApp.Json));
        }

        // The archive: every outbox event exactly once, byte for byte; the poison is not an event and is not in it.
        var archive = await _app.WithDbAsync<DataPlatformDbContext, List<ArchivedEvent>>(
            db => db.ArchivedEvents.AsNoTracking().ToListAsync());
        Assert.Equal(outbox.Select(m => m.EventId).Order(), archive.Select(a => a.EventId).Order());
        var payloads = outbox.ToDictionary(m => m.EventId, m => m.Payload);
        Assert.All(archive, a => Assert.Equal(payloads[a.EventId], a.Payload));

        // The poison: parked once by each group that reads its topic, untouched, with where it came from.
        var readers = _app.Services.GetServices<ConsumerGroupSubscription>()
            .Where(s => s.Topics.Contains(Topics.ReservationEvents)).Select(s => s.GroupId).Order().ToList();
        Assert.Equal(3, readers.Count);
        var parked = await Eventually.WaitAsync(
            () => Task.Run(() => TopicRecords.ReadAll(_app.Kafka.BootstrapServers, TopicNames.ReservationEventsDeadLetter)),
            records => records.Count >= readers.Count,
            "the poison record on reservation-events.DLT");
        Assert.Equal(readers, parked.Select(r => Header(r.Message.Headers, KafkaHeaders.DeadLetterGroup)).Order());
        Assert.All(parked, r =>
        {
            Assert.Equal(PoisonKey, r.Message.Key);
            Assert.Equal(Poison, r.Message.Value);
            Assert.Equal(Topics.ReservationEvents, Header(r.Message.Headers, KafkaHeaders.DeadLetterOriginalTopic));
        });

        // A rebuild from the beginning replays every event from Kafka (the poison skipped) and answers identically.
        var users = await Task.WhenAll(fans.Select(NotificationsApi.UserIdAsync));
        var before = await AnalyticsApi.SnapshotAsync(fans[0], admin, concerts.Select(c => c.ConcertId), users, hourlyUrl);
        var rebuilt = await admin.PostAsync($"/api/admin/read-models/{DataPlatformService.GroupId}/rebuild?from=1970-01-01T00:00:00Z", null);
        Assert.True(rebuilt.StatusCode == HttpStatusCode.OK, await rebuilt.Content.ReadAsStringAsync());
        var summary = (await rebuilt.Content.ReadFromJsonAsync<RebuildSummary>(PipelineApp.Json))!;
        Assert.Equal(("kafka", outbox.Count), (summary.Source, summary.EventsReplayed));
        Assert.Equal(before, await AnalyticsApi.SnapshotAsync(fans[0], admin, concerts.Select(c => c.ConcertId), users, hourlyUrl));

        int Count(string eventType) => outbox.Count(m => m.EventType == eventType);

        List<Guid> EventIdsOf(string eventType, long userId) => outbox
            .Where(m => m.EventType == eventType && JsonDocument.Parse(m.Payload).RootElement.GetProperty("userId").GetInt64() == userId)
            .Select(m => m.EventId).Order().ToList();
    }

    [Fact]
    public async Task After_a_hard_kill_mid_load_the_services_read_models_count_every_committed_event_exactly_once()
    {
        var database = new BookingDatabaseFile(_crashDirectory);
        var settings = PipelineApp.FastKafkaSettings.Append(("Booking:DemoData", "false")).ToList();
        (long ConcertId, long[] SeatIds)[] concerts;
        long[] waiterIds;
        bool killedMidLoad;
        using (var first = await ApiProcess.StartAsync(_crashDirectory, settings))
        {
            var admin = await first.ClientForAsync("admin@example.com");
            concerts =
            [
                await Booking.CreateOpenConcertAsync(admin, seats: 80),
                await Booking.CreateOpenConcertAsync(admin, seats: 80),
                await Booking.CreateOpenConcertAsync(admin, seats: 3),
            ];
            var waiters = await Task.WhenAll(first.ClientForAsync("e2e-crash-waiter1@example.com"), first.ClientForAsync("e2e-crash-waiter2@example.com"));
            foreach (var waiter in waiters)
            {
                Assert.Equal(HttpStatusCode.Created, (await waiter.PostAsync($"/api/concerts/{concerts[2].ConcertId}/waitlist", null)).StatusCode);
            }

            waiterIds = await Task.WhenAll(waiters.Select(NotificationsApi.UserIdAsync));
            var fans = await Task.WhenAll(Enumerable.Range(1, 4).Select(i => first.ClientForAsync($"e2e-crash-fan{i}@example.com")));
            foreach (var fan in fans)
            {
                await Booking.ChargeAsync(fan, 10_000_000);
            }

            using var stop = new CancellationTokenSource();
            var workers = fans.Select((fan, i) => BookUntilKilledAsync(fan, i, concerts, stop.Token)).ToArray();

            // Kill once the small concert has sold out (so its notices are at stake too) and the load is well under
            // way: requests in flight, the relay and the groups busy.
            await Eventually.WaitAsync(
                () => Task.FromResult((Outbox: database.Count("SELECT COUNT(*) FROM \"OutboxMessages\""), SoldOut: database.Count(
                    $"SELECT COUNT(*) FROM \"OutboxMessages\" WHERE \"EventType\" = '{EventTypes.ConcertSoldOut}'"))),
                seen => seen.Outbox >= 60 && seen.SoldOut == 1,
                "the small concert to sell out and some load before the kill");
            killedMidLoad = workers.Any(w => !w.IsCompleted);
            first.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(workers);
        }

        using var second = await ApiProcess.StartAsync(_crashDirectory, settings);
        await database.WaitUntilAllGroupsProcessedEverythingAsync(TimeSpan.FromSeconds(60));
        Assert.True(killedMidLoad, "the load had finished before the kill");

        // What the booking core committed; its events are in the outbox with it.
        var reservations = database.Query(
            "SELECT \"Id\", \"UserId\", \"ConcertId\", \"Status\" FROM \"Reservations\"",
            r => (Id: r.GetInt64(0), UserId: r.GetInt64(1), ConcertId: r.GetInt64(2), Status: r.GetString(3)));
        var payments = database.Query("SELECT \"UserId\" FROM \"Payments\"", r => r.GetInt64(0));
        var outbox = database.Query("SELECT \"EventId\", \"EventType\" FROM \"OutboxMessages\"", r => (EventId: EventId(r, 0), EventType: r.GetString(1)));
        Assert.Equal(reservations.Count, outbox.Count(m => m.EventType == EventTypes.ReservationCreated));
        Assert.Equal(payments.Count, outbox.Count(m => m.EventType == EventTypes.PaymentCompleted));
        Assert.Equal(reservations.Count(r => r.Status == "Confirmed"), payments.Count);

        // Notifications: one confirmation per hold and one receipt per payment, for the right fan; one notice per waiter.
        var notifications = database.Query(
            "SELECT \"Type\", \"EventId\", \"UserId\" FROM \"Notifications\"", r => (Type: r.GetString(0), EventId: EventId(r, 1), UserId: r.GetInt64(2)));
        Assert.Equal(EventIdsOf(EventTypes.ReservationCreated), NotifiedEventIds("ReservationConfirmation"));
        Assert.Equal(EventIdsOf(EventTypes.PaymentCompleted), NotifiedEventIds("PaymentReceipt"));
        Assert.Equal(PerUser(reservations.Select(r => r.UserId)), PerUser(notifications.Where(n => n.Type == "ReservationConfirmation").Select(n => n.UserId)));
        Assert.Equal(PerUser(payments), PerUser(notifications.Where(n => n.Type == "PaymentReceipt").Select(n => n.UserId)));
        var soldOutEventId = Assert.Single(EventIdsOf(EventTypes.ConcertSoldOut));
        Assert.Equal(
            waiterIds.Order().Select(id => (soldOutEventId, id)),
            notifications.Where(n => n.Type == "ConcertSoldOut").Select(n => (n.EventId, n.UserId)).OrderBy(n => n.UserId));

        // Rankings: the counters equal the booking database's counts per concert, also over HTTP.
        var counted = reservations
            .GroupBy(r => r.ConcertId)
            .Select(g => (ConcertId: g.Key, Reservations: g.Count(), Confirmed: g.Count(r => r.Status == "Confirmed")))
            .OrderByDescending(c => c.Reservations).ThenByDescending(c => c.Confirmed).ThenBy(c => c.ConcertId)
            .ToList();
        var counters = database.Query(
            $"SELECT \"ConcertId\", \"Reservations\", \"Confirmed\" FROM \"{RankingDbContext.BookingCountsTable}\"",
            r => (ConcertId: r.GetInt64(0), Reservations: r.GetInt32(1), Confirmed: r.GetInt32(2)));
        Assert.Equal(counted.OrderBy(c => c.ConcertId), counters.OrderBy(c => c.ConcertId));
        var ranking = await second.CreateClient().GetFromJsonAsync<List<BookingRankEntry>>("/api/rankings/bookings", PipelineApp.Json);
        Assert.Equal(counted, ranking!.Select(e => (e.ConcertId, e.Reservations, e.Confirmed)));
        Assert.Equal([concerts[2].ConcertId], database.Query("SELECT \"ConcertId\" FROM \"RankingSoldOutConcerts\"", r => r.GetInt64(0)));

        // The archive: one row per outbox event, each event id once.
        var archived = database.Query("SELECT \"EventId\" FROM \"EventArchive\"", r => EventId(r, 0));
        Assert.Equal(outbox.Select(m => m.EventId).Order(), archived.Order());

        // The restarted data platform's analytics agree with the booking database's statuses too.
        var reader = await second.ClientForAsync("e2e-crash-reader@example.com");
        foreach (var (concertId, _) in concerts)
        {
            var figures = (await reader.GetFromJsonAsync<ConcertAnalyticsDto>($"/api/analytics/concerts/{concertId}", PipelineApp.Json))!;
            var ofConcert = reservations.Where(r => r.ConcertId == concertId).ToList();
            Assert.Equal(
                (ofConcert.Count, ofConcert.Count(r => r.Status == "Held"), ofConcert.Count(r => r.Status == "Confirmed"), ofConcert.Count(r => r.Status == "Cancelled")),
                ((int)figures.Reservations, (int)figures.Holds, (int)figures.Confirmed, (int)figures.Cancelled));
        }

        // The restarted process runs a new, empty cluster that holds only what the relay published since: a rebuild
        // from the beginning must still reproduce the analytics, from Kafka where it can and the archive for the rest.
        var admin2 = await second.ClientForAsync("admin@example.com");
        var firstHold = database.Query("SELECT MIN(\"CreatedAt\") FROM \"Reservations\"", r => r.GetInt64(0)).Single();
        var hourlyUrl = $"/api/analytics/reservations/hourly?from={Iso(HourlyReservations.HourOf(new DateTimeOffset(firstHold, TimeSpan.Zero)))}&to={Iso(DateTimeOffset.UtcNow.AddHours(1))}";
        var users = reservations.Select(r => r.UserId).Distinct().Order().ToArray();
        var before = await AnalyticsApi.SnapshotAsync(reader, admin2, concerts.Select(c => c.ConcertId), users, hourlyUrl);
        var rebuilt = await admin2.PostAsync($"/api/admin/read-models/{DataPlatformService.GroupId}/rebuild?from=1970-01-01T00:00:00Z", null);
        Assert.True(rebuilt.StatusCode == HttpStatusCode.OK, await rebuilt.Content.ReadAsStringAsync());
        var summary = (await rebuilt.Content.ReadFromJsonAsync<RebuildSummary>(PipelineApp.Json))!;
        Assert.Equal((outbox.Count, outbox.Count), (summary.EventsReplayed, summary.FromKafka + summary.FromArchive));
        Assert.Equal(before, await AnalyticsApi.SnapshotAsync(reader, admin2, concerts.Select(c => c.ConcertId), users, hourlyUrl));

        List<Guid> EventIdsOf(string eventType) => outbox.Where(m => m.EventType == eventType).Select(m => m.EventId).Order().ToList();

        List<Guid> NotifiedEventIds(string type) => notifications.Where(n => n.Type == type).Select(n => n.EventId).Order().ToList();
    }

    public void Dispose()
    {
        _app.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_crashDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
    }

    private static async Task FollowPlanAsync(HttpClient fan, Step[] steps, (long ConcertId, long[] SeatIds)[] concerts)
    {
        foreach (var step in steps)
        {
            var (concertId, seats) = concerts[step.Concert];
            var reservationId = await Booking.HoldAsync(fan, concertId, seats[step.Seat]);
            switch (step.Then)
            {
                case Then.Pay:
                    await Booking.PayAsync(fan, reservationId);
                    break;
                case Then.Cancel:
                    await Booking.CancelAsync(fan, reservationId);
                    break;
            }
        }
    }

    /// <summary>Fans 0–2 first buy a seat of the 3-seat concert each (selling it out), then every fan holds seats of
    /// the two big ones, paying for some, cancelling some, leaving some held, until the process dies under it.</summary>
    private static async Task BookUntilKilledAsync(HttpClient fan, int fanIndex, (long ConcertId, long[] SeatIds)[] concerts, CancellationToken stop)
    {
        try
        {
            if (fanIndex < concerts[2].SeatIds.Length)
            {
                await Booking.PayAsync(fan, await Booking.HoldAsync(fan, concerts[2].ConcertId, concerts[2].SeatIds[fanIndex]));
            }

            for (var seat = fanIndex; seat < concerts[0].SeatIds.Length && !stop.IsCancellationRequested; seat += 4)
            {
                await Booking.PayAsync(fan, await Booking.HoldAsync(fan, concerts[0].ConcertId, concerts[0].SeatIds[seat]));
                var held = await Booking.HoldAsync(fan, concerts[1].ConcertId, concerts[1].SeatIds[seat]);
                switch (seat / 4 % 3)
                {
                    case 0:
                        await Booking.PayAsync(fan, held);
                        break;
                    case 1:
                        await Booking.CancelAsync(fan, held);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            // The process was killed under the request.
        }
    }

    private async Task<List<(long ConcertId, int Reservations, int Confirmed)>> RankingFromBookingDbAsync() =>
        (await _app.WithBookingDbAsync(db => db.Reservations
            .GroupBy(r => r.ConcertId)
            .Select(g => new { ConcertId = g.Key, Reservations = g.Count(), Confirmed = g.Count(r => r.Status == ReservationStatus.Confirmed) })
            .ToListAsync()))
        .Select(c => (c.ConcertId, c.Reservations, c.Confirmed))
        .OrderByDescending(c => c.Reservations).ThenByDescending(c => c.Confirmed).ThenBy(c => c.ConcertId)
        .ToList();


    private static Dictionary<long, int> PerUser(IEnumerable<long> userIds) => userIds.GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());

    private static Guid EventId(SqliteDataReader row, int ordinal) => Guid.Parse(row.GetString(ordinal));

    private static string? Header(Headers headers, string name) =>
        headers.TryGetLastBytes(name, out var value) ? Encoding.UTF8.GetString(value) : null;

    private static string Iso(DateTimeOffset time) => Uri.EscapeDataString(time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
}
