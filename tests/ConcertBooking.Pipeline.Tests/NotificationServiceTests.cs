using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using ConcertBooking.Contracts;
using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Notifications;
using ConcertBooking.Notifications.Persistence;
using ConcertBooking.Pipeline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ConcertBooking.Pipeline.Tests;

/// <summary>The notification service on the whole pipeline, without a mail server: notifications are stored only.</summary>
public sealed class NotificationServiceTests(NotificationServiceTests.StoredOnlyApp fixture) : IClassFixture<NotificationServiceTests.StoredOnlyApp>
{
    private const string Group = NotificationService.GroupId;
    private readonly PipelineApp _app = fixture.App;

    [Fact]
    public async Task A_hold_gives_the_fan_one_confirmation_with_its_expiry_and_the_payment_one_receipt()
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        var fan = await _app.ClientForAsync("notify-holder@example.com");
        var bystander = await _app.ClientForAsync("notify-bystander@example.com");
        var (concertId, seats) = await Booking.CreateOpenConcertAsync(admin, seats: 2);
        var concertName = await NotificationsApi.ConcertNameAsync(admin, concertId);
        await Booking.ChargeAsync(fan, 100_000);

        var reservationId = await Booking.HoldAsync(fan, concertId, seats[0]);
        var afterHold = await NotificationsApi.WaitForAsync(fan, n => n.Count > 0, "the hold confirmation");
        var confirmation = Assert.Single(afterHold);
        Assert.Equal("RESERVATION_CONFIRMATION", confirmation.Type);
        Assert.Equal($"Seat held: {concertName}", confirmation.Subject);
        var expiresAt = (await fan.GetFromJsonAsync<JsonElement>($"/api/reservations/{reservationId}")).GetProperty("expiresAt").GetDateTimeOffset();
        Assert.Contains(expiresAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC", confirmation.Body, StringComparison.Ordinal);
        Assert.Contains($"seat #{seats[0]}", confirmation.Body, StringComparison.Ordinal);
        Assert.Contains($"Reservation #{reservationId}", confirmation.Body, StringComparison.Ordinal);
        Assert.Null(confirmation.DeliveredAt);
        Assert.Equal(await OutboxEventIdAsync(EventTypes.ReservationCreated, $"reservation-{reservationId}"), confirmation.EventId);

        await Booking.PayAsync(fan, reservationId);
        var afterPayment = await NotificationsApi.WaitForAsync(fan, n => n.Count > 1, "the receipt");
        Assert.Equal(2, afterPayment.Count);
        var receipt = Assert.Single(afterPayment, n => n.Type == "PAYMENT_RECEIPT");
        Assert.Equal($"Receipt: {concertName}", receipt.Subject);
        Assert.Contains("10,000 KRW by POINTS", receipt.Body, StringComparison.Ordinal);
        Assert.Contains($"reservation #{reservationId}: {concertName}, seat #{seats[0]}", receipt.Body, StringComparison.Ordinal);
        Assert.Single(afterPayment, n => n.Type == "RESERVATION_CONFIRMATION");

        await _app.WaitUntilAllGroupsProcessedEverythingAsync();
        Assert.Empty(await NotificationsApi.MineAsync(bystander));
    }

    [Fact]
    public async Task A_RESERVATION_CREATED_written_before_events_carried_expiresAt_is_confirmed_with_the_hold_duration()
    {
        var fan = await _app.ClientForAsync("notify-old-shape@example.com");
        var userId = (await fan.GetFromJsonAsync<JsonElement>("/api/me/balance")).GetProperty("userId").GetInt64();
        var eventId = Guid.NewGuid();

        // The shape an older release published: no expiresAt.
        var oldShape = $$"""
            {"eventType":"RESERVATION_CREATED","eventId":"{{eventId}}","occurredAt":"2026-01-02T03:04:05+00:00",
             "reservationId":990001,"userId":{{userId}},"concertId":1,"seatId":7,"amount":50000,
             "userEmail":"notify-old-shape@example.com","concertName":"Old Shape Night"}
            """;
        var upcast = (ReservationCreated)EventSerializer.Deserialize(Encoding.UTF8.GetBytes(oldShape), UpcastDefaults.Standard);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 9, 5, TimeSpan.Zero), upcast.ExpiresAt);
        await TopicRecords.ProduceAsync(_app.Kafka.BootstrapServers, [(Topics.ReservationEvents, "reservation-990001", Encoding.UTF8.GetBytes(oldShape), null)]);

        var confirmation = Assert.Single(await NotificationsApi.WaitForAsync(fan, n => n.Count > 0, "the hold confirmation"));
        Assert.Equal(eventId, confirmation.EventId);
        Assert.Contains("until 2026-01-02 03:09:05 UTC", confirmation.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_of_this_release_carry_the_hold_expiry_and_the_confirmation_uses_it()
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        var fan = await _app.ClientForAsync("notify-expiry@example.com");
        var (concertId, seats) = await Booking.CreateOpenConcertAsync(admin, seats: 1);
        var reservationId = await Booking.HoldAsync(fan, concertId, seats[0]);
        var expiresAt = (await fan.GetFromJsonAsync<JsonElement>($"/api/reservations/{reservationId}")).GetProperty("expiresAt").GetDateTimeOffset();

        var payload = await _app.WithBookingDbAsync(db => db.OutboxMessages
            .Where(m => m.EventType == EventTypes.ReservationCreated && m.Key == $"reservation-{reservationId}").Select(m => m.Payload).SingleAsync());
        Assert.Equal(expiresAt, ((ReservationCreated)EventSerializer.Deserialize(Encoding.UTF8.GetBytes(payload), UpcastDefaults.Standard)).ExpiresAt);
    }

    [Fact]
    public async Task When_a_concert_sells_out_each_fan_on_its_waitlist_gets_exactly_one_notice()
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        var buyer = await _app.ClientForAsync("notify-buyer@example.com");
        var waiters = new[] { await _app.ClientForAsync("notify-waiter1@example.com"), await _app.ClientForAsync("notify-waiter2@example.com") };
        var quitter = await _app.ClientForAsync("notify-quitter@example.com");
        var (concertId, seats) = await Booking.CreateOpenConcertAsync(admin, seats: 2);
        var concertName = await NotificationsApi.ConcertNameAsync(admin, concertId);
        foreach (var fan in waiters.Append(quitter))
        {
            Assert.Equal(HttpStatusCode.Created, (await fan.PostAsync($"/api/concerts/{concertId}/waitlist", null)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await quitter.DeleteAsync($"/api/concerts/{concertId}/waitlist")).StatusCode);

        await Booking.ChargeAsync(buyer, 100_000);
        foreach (var seat in seats)
        {
            await Booking.PayAsync(buyer, await Booking.HoldAsync(buyer, concertId, seat));
        }

        foreach (var waiter in waiters)
        {
            var notices = await NotificationsApi.WaitForAsync(waiter, n => n.Count > 0, "the sold-out notice");
            var notice = Assert.Single(notices);
            Assert.Equal("CONCERT_SOLD_OUT", notice.Type);
            Assert.Equal($"Sold out: {concertName}", notice.Subject);
            Assert.Contains("all 2 seats are taken", notice.Body, StringComparison.Ordinal);
        }

        await _app.WaitUntilAllGroupsProcessedEverythingAsync();
        var soldOutEventId = await OutboxEventIdAsync(EventTypes.ConcertSoldOut, $"concert-{concertId}");
        foreach (var waiter in waiters)
        {
            Assert.Equal(soldOutEventId, Assert.Single(await NotificationsApi.MineAsync(waiter)).EventId);
        }

        Assert.Empty(await NotificationsApi.MineAsync(quitter));
        var bought = await NotificationsApi.MineAsync(buyer);
        Assert.Equal(["PAYMENT_RECEIPT", "PAYMENT_RECEIPT", "RESERVATION_CONFIRMATION", "RESERVATION_CONFIRMATION"], bought.Select(n => n.Type).Order());
    }

    [Fact]
    public async Task A_payment_handled_before_its_hold_gets_its_receipt_once_the_hold_arrives()
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        var fan = await _app.ClientForAsync("notify-early-payment@example.com");
        var userId = await NotificationsApi.UserIdAsync(fan);
        var (concertId, seats) = await Booking.CreateOpenConcertAsync(admin, seats: 1);
        var reservationId = Random.Shared.NextInt64(1_000_000_000, 2_000_000_000);
        var now = DateTimeOffset.UtcNow;
        var paid = new PaymentCompleted(reservationId + 1, reservationId, userId, 55_000, "POINTS") { OccurredAt = now };
        var held = new ReservationCreated(reservationId, userId, concertId, seats[0], 55_000, "notify-early-payment@example.com", "Out of Order Night")
        {
            OccurredAt = now.AddSeconds(-1),
            ExpiresAt = now.AddMinutes(5),
        };

        await ProduceAsync(paid);
        await WaitProcessedAsync(paid.EventId);
        Assert.Empty(await NotificationsApi.MineAsync(fan));

        await ProduceAsync(held);
        var notifications = await NotificationsApi.WaitForAsync(fan, n => n.Count > 1, "the confirmation and the receipt");
        Assert.Equal(2, notifications.Count);
        var receipt = Assert.Single(notifications, n => n.Type == "PAYMENT_RECEIPT");
        Assert.Equal(paid.EventId, receipt.EventId);
        Assert.Equal("Receipt: Out of Order Night", receipt.Subject);
        Assert.Contains("55,000 KRW by POINTS", receipt.Body, StringComparison.Ordinal);
        Assert.Equal(held.EventId, Assert.Single(notifications, n => n.Type == "RESERVATION_CONFIRMATION").EventId);
    }

    [Fact]
    public async Task Redelivering_every_event_on_the_topics_changes_nothing()
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        var buyer = await _app.ClientForAsync("notify-redelivery-buyer@example.com");
        var waiter = await _app.ClientForAsync("notify-redelivery-waiter@example.com");
        var (concertId, seats) = await Booking.CreateOpenConcertAsync(admin, seats: 1);
        await waiter.PostAsync($"/api/concerts/{concertId}/waitlist", null);
        await Booking.ChargeAsync(buyer, 100_000);
        await Booking.PayAsync(buyer, await Booking.HoldAsync(buyer, concertId, seats[0]));
        await NotificationsApi.WaitForAsync(waiter, n => n.Count > 0, "the sold-out notice");
        await _app.WaitUntilAllGroupsProcessedEverythingAsync();
        await TopicRecords.WaitUntilCaughtUpAsync(_app, Group);
        var before = await SnapshotAsync();

        var records = TopicRecords.ReadAll(_app.Kafka.BootstrapServers, Topics.ReservationEvents, Topics.PaymentEvents, Topics.ConcertEvents);
        Assert.Contains(records, r => r.Message.Key == $"concert-{concertId}");
        await TopicRecords.RedeliverAsync(_app.Kafka.BootstrapServers, records);
        await TopicRecords.WaitUntilCaughtUpAsync(_app, Group);

        var after = await SnapshotAsync();
        Assert.Equal(before.Notifications, after.Notifications);
        Assert.Equal(before.Reservations, after.Reservations);
        Assert.Equal(before.Processed, after.Processed);
        Assert.Equal(2, (await NotificationsApi.MineAsync(buyer)).Count);
        Assert.Single(await NotificationsApi.MineAsync(waiter));
    }

    [Fact]
    public async Task The_waitlist_is_idempotent_and_its_endpoints_answer_errors_as_problems()
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        var fan = await _app.ClientForAsync("notify-waitlist@example.com");
        var (concertId, _) = await Booking.CreateOpenConcertAsync(admin, seats: 1);
        var concertName = await NotificationsApi.ConcertNameAsync(admin, concertId);
        var waitlist = $"/api/concerts/{concertId}/waitlist";

        var joined = await fan.PostAsync(waitlist, null);
        Assert.Equal(HttpStatusCode.Created, joined.StatusCode);
        Assert.Equal("/api/me/waitlist", joined.Headers.Location?.OriginalString);
        var entry = await joined.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(concertId, entry.GetProperty("concertId").GetInt64());
        Assert.Equal(concertName, entry.GetProperty("concertName").GetString());

        var again = await fan.PostAsync(waitlist, null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(entry.GetProperty("joinedAt").GetDateTimeOffset(), (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("joinedAt").GetDateTimeOffset());
        var mine = await fan.GetFromJsonAsync<JsonElement>("/api/me/waitlist");
        Assert.Equal(concertId, Assert.Single(mine.EnumerateArray()).GetProperty("concertId").GetInt64());

        Assert.Equal(HttpStatusCode.NoContent, (await fan.DeleteAsync(waitlist)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await fan.DeleteAsync(waitlist)).StatusCode);
        Assert.Empty((await fan.GetFromJsonAsync<JsonElement>("/api/me/waitlist")).EnumerateArray());

        await AssertProblemAsync(await fan.PostAsync("/api/concerts/999999999/waitlist", null), HttpStatusCode.NotFound, "not-found");
        await AssertProblemAsync(await fan.DeleteAsync("/api/concerts/999999999/waitlist"), HttpStatusCode.NotFound, "not-found");
        foreach (var limit in new[] { "0", "1001", "ten" })
        {
            await AssertProblemAsync(await fan.GetAsync($"/api/me/notifications?limit={limit}"), HttpStatusCode.BadRequest, null);
        }

        using var anonymous = _app.CreateClient();
        await AssertProblemAsync(await anonymous.PostAsync(waitlist, null), HttpStatusCode.Unauthorized, "unauthorized");
        await AssertProblemAsync(await anonymous.DeleteAsync(waitlist), HttpStatusCode.Unauthorized, "unauthorized");
        await AssertProblemAsync(await anonymous.GetAsync("/api/me/waitlist"), HttpStatusCode.Unauthorized, "unauthorized");
        await AssertProblemAsync(await anonymous.GetAsync("/api/me/notifications"), HttpStatusCode.Unauthorized, "unauthorized");

        using var withoutEmail = _app.CreateClient();
        withoutEmail.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenWithoutEmail(await NotificationsApi.UserIdAsync(fan)));
        await AssertProblemAsync(await withoutEmail.PostAsync(waitlist, null), HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Empty((await fan.GetFromJsonAsync<JsonElement>("/api/me/waitlist")).EnumerateArray());
    }

    [Fact]
    public async Task Joining_the_waitlist_of_a_concert_that_has_already_sold_out_tells_the_fan_so()
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        var buyer = await _app.ClientForAsync("notify-late-buyer@example.com");
        var early = await _app.ClientForAsync("notify-early-waiter@example.com");
        var late = await _app.ClientForAsync("notify-late-waiter@example.com");
        var (concertId, seats) = await Booking.CreateOpenConcertAsync(admin, seats: 1);
        var waitlist = $"/api/concerts/{concertId}/waitlist";
        Assert.Equal(HttpStatusCode.Created, (await early.PostAsync(waitlist, null)).StatusCode);
        await Booking.ChargeAsync(buyer, 100_000);
        await Booking.PayAsync(buyer, await Booking.HoldAsync(buyer, concertId, seats[0]));

        await AssertProblemAsync(await late.PostAsync(waitlist, null), HttpStatusCode.Conflict, "concert-sold-out");
        Assert.Empty((await late.GetFromJsonAsync<JsonElement>("/api/me/waitlist")).EnumerateArray());

        // A fan who was already waiting is still on the list (and gets the notice): the join stays idempotent.
        Assert.Equal(HttpStatusCode.OK, (await early.PostAsync(waitlist, null)).StatusCode);
        Assert.Equal("CONCERT_SOLD_OUT", Assert.Single(await NotificationsApi.WaitForAsync(early, n => n.Count > 0, "the sold-out notice")).Type);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? slug)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var type = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString();
        Assert.StartsWith("https://concertbooking.dev/problems/", type, StringComparison.Ordinal);
        if (slug is not null)
        {
            Assert.EndsWith("/" + slug, type, StringComparison.Ordinal);
        }
    }

    /// <summary>A token signed with the app's own key whose claims lack an email, as an external issuer might send.</summary>
    private string TokenWithoutEmail(long userId)
    {
        var auth = _app.Services.GetRequiredService<IConfiguration>().GetSection("Auth");
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", userId.ToString(CultureInfo.InvariantCulture)), new Claim("role", "fan")]),
            Issuer = auth["Issuer"],
            Audience = auth["Audience"],
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(auth["SigningKey"]!)), SecurityAlgorithms.HmacSha256),
        });
    }

    private Task<Guid> OutboxEventIdAsync(string eventType, string key) =>
        _app.WithBookingDbAsync(db => db.OutboxMessages.Where(m => m.EventType == eventType && m.Key == key).Select(m => m.EventId).SingleAsync());

    private Task ProduceAsync(IntegrationEvent @event) =>
        TopicRecords.ProduceAsync(_app.Kafka.BootstrapServers, [(@event.Topic, @event.Key, EventSerializer.SerializeToUtf8Bytes(@event), null)]);

    private Task WaitProcessedAsync(Guid eventId) =>
        Eventually.WaitAsync(
            () => _app.WithMessagingDbAsync(db => db.ProcessedEvents.AnyAsync(p => p.GroupId == Group && p.EventId == eventId)),
            processed => processed,
            $"{Group} to process {eventId}");

    private async Task<(string Notifications, string Reservations, int Processed)> SnapshotAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        var notifications = await db.Notifications.AsNoTracking().OrderBy(n => n.Id).ToListAsync();
        var reservations = await db.Reservations.AsNoTracking().OrderBy(r => r.ReservationId).ToListAsync();
        var processed = await db.Set<ProcessedEvent>().CountAsync(p => p.GroupId == Group);
        return (JsonSerializer.Serialize(notifications), JsonSerializer.Serialize(reservations), processed);
    }

    /// <summary>One app for the class: starting the pipeline costs seconds, and the tests use their own fans and concerts.</summary>
    public sealed class StoredOnlyApp : IDisposable
    {
        public PipelineApp App { get; } = new();

        public void Dispose() => App.Dispose();
    }
}
