using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ConcertBooking.Contracts;
using ConcertBooking.Messaging;
using ConcertBooking.Notifications;
using ConcertBooking.Notifications.Persistence;
using ConcertBooking.Pipeline.Tests.Support;
using Confluent.Kafka;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Pipeline.Tests;

/// <summary>The whole pipeline with the notification service mailing through a real SMTP listener on loopback.</summary>
public sealed class NotificationSmtpTests(NotificationSmtpTests.MailingApp mailing) : IClassFixture<NotificationSmtpTests.MailingApp>
{
    private const string Group = NotificationService.GroupId;
    private readonly PipelineApp _app = mailing.App;
    private readonly SmtpTestServer _smtp = mailing.Smtp;

    [Fact]
    public async Task A_hold_is_mailed_once_and_a_redelivered_event_does_not_mail_it_again()
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        var fan = await _app.ClientForAsync("mail-holder@example.com");
        var (concertId, seats) = await Booking.CreateOpenConcertAsync(admin, seats: 1);
        var concertName = await NotificationsApi.ConcertNameAsync(admin, concertId);

        var reservationId = await Booking.HoldAsync(fan, concertId, seats[0]);
        var delivered = await NotificationsApi.WaitForAsync(fan, n => n.Count > 0 && n.All(x => x.DeliveredAt is not null), "the confirmation to be mailed");
        var confirmation = Assert.Single(delivered);
        var mail = Assert.Single(_smtp.To("mail-holder@example.com"));
        Assert.Equal("tickets@concertbooking.dev", mail.From);
        Assert.Equal("tickets@concertbooking.dev", mail.Message.From.Mailboxes.Single().Address);
        Assert.Equal($"Seat held: {concertName}", mail.Message.Subject);
        Assert.Equal(confirmation.Body.ReplaceLineEndings(), mail.Message.TextBody?.TrimEnd().ReplaceLineEndings());
        Assert.Equal($"notification-{confirmation.Id}@concertbooking.dev", mail.Message.MessageId);

        var record = Assert.Single(
            TopicRecords.ReadAll(_app.Kafka.BootstrapServers, Topics.ReservationEvents),
            r => r.Message.Key == $"reservation-{reservationId}");
        await TopicRecords.RedeliverAsync(_app.Kafka.BootstrapServers, [record, record]);
        await TopicRecords.WaitUntilCaughtUpAsync(_app, Group);

        Assert.Single(_smtp.To("mail-holder@example.com"));
        Assert.Equal(delivered, await NotificationsApi.MineAsync(fan));
    }

    [Fact]
    public async Task A_sell_out_mails_each_waiting_fan_one_notice_over_one_session()
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        var buyer = await _app.ClientForAsync("mail-buyer@example.com");
        string[] waiting = ["mail-waiter1@example.com", "mail-waiter2@example.com"];
        var (concertId, seats) = await Booking.CreateOpenConcertAsync(admin, seats: 1);
        var concertName = await NotificationsApi.ConcertNameAsync(admin, concertId);
        foreach (var email in waiting)
        {
            var waiter = await _app.ClientForAsync(email);
            Assert.Equal(HttpStatusCode.Created, (await waiter.PostAsync($"/api/concerts/{concertId}/waitlist", null)).StatusCode);
        }

        await Booking.ChargeAsync(buyer, 100_000);
        await Booking.PayAsync(buyer, await Booking.HoldAsync(buyer, concertId, seats[0]));

        var notices = await Eventually.WaitAsync(
            () => Task.FromResult(waiting.SelectMany(_smtp.To).ToList()), mails => mails.Count >= 2, "both sold-out notices");
        Assert.Equal(waiting, notices.Select(m => Assert.Single(m.Recipients)).Order());
        Assert.All(notices, m => Assert.Equal($"Sold out: {concertName}", m.Message.Subject));
        Assert.Single(notices.Select(m => m.Session).Distinct());
        await TopicRecords.WaitUntilCaughtUpAsync(_app, Group);
        Assert.All(waiting, email => Assert.Single(_smtp.To(email)));
    }

    [Fact]
    public async Task A_failing_mail_server_dead_letters_the_mail_while_bookings_and_the_other_groups_carry_on()
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        var unlucky = await _app.ClientForAsync("mail-unlucky@example.com");
        var lucky = await _app.ClientForAsync("mail-lucky@example.com");
        var (concertId, seats) = await Booking.CreateOpenConcertAsync(admin, seats: 2);
        await Booking.ChargeAsync(unlucky, 100_000);
        await _app.WaitUntilAllGroupsProcessedEverythingAsync();

        _smtp.Failing = true;
        long reservationId;
        ConsumeResult<string?, byte[]?> holdLetter;
        try
        {
            // Each mail goes through the retries to its event's dead-letter topic. The payment follows once the hold
            // is handled: a payment handled before its hold gets its receipt only when the hold arrives, so its
            // mail would fail with the hold's event, not its own.
            reservationId = await Booking.HoldAsync(unlucky, concertId, seats[0]);
            holdLetter = await WaitForDeadLetterAsync(TopicNames.ReservationEventsDeadLetter, $"reservation-{reservationId}");
            await Booking.PayAsync(unlucky, reservationId);
            var paymentId = await _app.WithBookingDbAsync(db => db.Payments.Where(p => p.ReservationId == reservationId).Select(p => p.Id).SingleAsync());
            await WaitForDeadLetterAsync(TopicNames.PaymentEventsDeadLetter, $"payment-{paymentId}");
        }
        finally
        {
            _smtp.Failing = false;
        }

        Assert.Equal(Group, Header(holdLetter, KafkaHeaders.DeadLetterGroup));
        Assert.Equal("4", Header(holdLetter, KafkaHeaders.DeadLetterAttempts));

        // The booking side and the other groups did not wait for the mail server.
        await _app.WaitUntilAllGroupsProcessedEverythingAsync();
        var holdEventId = await _app.WithBookingDbAsync(db =>
            db.OutboxMessages.Where(m => m.Key == $"reservation-{reservationId}").Select(m => m.EventId).SingleAsync());
        var handledBy = await _app.WithMessagingDbAsync(db =>
            db.ProcessedEvents.Where(p => p.EventId == holdEventId).Select(p => p.GroupId).ToListAsync());
        Assert.Equal(PipelineApp.Groups.Order(), handledBy.Order());

        // Stored, not delivered, not mailed.
        var stored = await NotificationsApi.MineAsync(unlucky);
        Assert.Equal(["PAYMENT_RECEIPT", "RESERVATION_CONFIRMATION"], stored.Select(n => n.Type).Order());
        Assert.All(stored, n => Assert.Null(n.DeliveredAt));
        Assert.Empty(_smtp.To("mail-unlucky@example.com"));
        Assert.True(_smtp.Refused >= 8, $"expected 4 attempts per mail, saw {_smtp.Refused} refusals");

        // The group is not stuck: with the server back, the next hold is mailed.
        await Booking.HoldAsync(lucky, concertId, seats[1]);
        await NotificationsApi.WaitForAsync(lucky, n => n.Count > 0 && n.All(x => x.DeliveredAt is not null), "the next hold to be mailed");
        Assert.Single(_smtp.To("mail-lucky@example.com"));

        // An operator redrives the dead letter: the notification group mails the stored notification, the groups that
        // had handled the event skip it, and a second redrive of the same letter is refused.
        var letter = new { topic = holdLetter.Topic, partition = holdLetter.Partition.Value, offset = holdLetter.Offset.Value };
        var redrive = await admin.PostAsJsonAsync("/api/admin/dead-letters/redrive", new { records = new[] { letter } });
        Assert.True(redrive.IsSuccessStatusCode, await redrive.Content.ReadAsStringAsync());
        Assert.Equal(1, (await redrive.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("redriven").GetInt32());
        await NotificationsApi.WaitForAsync(
            unlucky, n => n.Single(x => x.Type == "RESERVATION_CONFIRMATION").DeliveredAt is not null, "the redriven confirmation to be mailed");
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/admin/dead-letters/redrive", new { records = new[] { letter } })).StatusCode);
        foreach (var group in PipelineApp.Groups)
        {
            await TopicRecords.WaitUntilCaughtUpAsync(_app, group);
        }

        Assert.Equal($"Seat held: {await NotificationsApi.ConcertNameAsync(admin, concertId)}", Assert.Single(_smtp.To("mail-unlucky@example.com")).Message.Subject);
        var handledAfter = await _app.WithMessagingDbAsync(db =>
            db.ProcessedEvents.Where(p => p.EventId == holdEventId).Select(p => p.GroupId).ToListAsync());
        Assert.Equal(PipelineApp.Groups.Order(), handledAfter.Order());
        Assert.Contains(await OperationsApi.AuditAsync(admin), a => a.Action == "dead-letters.redrive" && a.Detail.Contains(
            $"{holdLetter.Topic}/{holdLetter.Partition.Value}/{holdLetter.Offset.Value}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_notification_stored_but_never_sent_is_mailed_by_the_redelivery_sweep()
    {
        var fan = await _app.ClientForAsync("mail-orphan@example.com");
        var fanId = await _app.WithBookingDbAsync(db => db.Users.Where(u => u.Email == "mail-orphan@example.com").Select(u => u.Id).SingleAsync());

        // What a process killed between storing a notification and sending it leaves behind.
        var eventId = Guid.NewGuid();
        await _app.WithDbAsync<NotificationsDbContext, int>(db =>
        {
            db.Notifications.Add(new Notification
            {
                Type = NotificationType.ReservationConfirmation,
                EventId = eventId,
                UserId = fanId,
                Email = "mail-orphan@example.com",
                Subject = "Seat held: Orphaned",
                Body = "Stored before a crash.",
                CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-10),
            });
            return db.SaveChangesAsync();
        });

        await NotificationsApi.WaitForAsync(
            fan, n => n.SingleOrDefault(x => x.EventId == eventId)?.DeliveredAt is not null, "the orphaned notification to be mailed");
        var mail = Assert.Single(_smtp.To("mail-orphan@example.com"));
        Assert.Equal("Seat held: Orphaned", mail.Message.Subject);
    }

    private static string? Header(ConsumeResult<string?, byte[]?> record, string name) =>
        record.Message.Headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

    private async Task<ConsumeResult<string?, byte[]?>> WaitForDeadLetterAsync(string topic, string key)
    {
        var letter = await Eventually.WaitAsync(
            () => Task.FromResult(TopicRecords.ReadAll(_app.Kafka.BootstrapServers, topic).FirstOrDefault(r => r.Message.Key == key)),
            record => record is not null,
            $"{key} on {topic}");
        return letter!;
    }

    /// <summary>One app for the class, mailing to one SMTP listener; retries are quick so dead letters come soon.</summary>
    public sealed class MailingApp : IAsyncLifetime
    {
        public MailingApp()
        {
            Smtp = new SmtpTestServer();
            App = new PipelineApp(settings:
            [
                ("Notifications:Smtp:Host", "127.0.0.1"),
                ("Notifications:Smtp:Port", Smtp.Port.ToString(CultureInfo.InvariantCulture)),
                ("Notifications:Smtp:From", "ConcertBooking <tickets@concertbooking.dev>"),
                ("Notifications:Smtp:Tls", "None"),
                ("Kafka:Retry:Backoff", "00:00:00.200"),
                ("Notifications:Smtp:RedeliveryInterval", "00:00:00.200"),

                // Long enough that a dead-lettered mail is sent by its redrive within a test, never by the sweep.
                ("Notifications:Smtp:RedeliverAfter", "00:05:00"),
            ]);
        }

        public SmtpTestServer Smtp { get; }

        public PipelineApp App { get; }

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync()
        {
            await App.DisposeAsync();
            await Smtp.DisposeAsync();
        }
    }
}
