using System.Globalization;
using System.Text;
using ConcertBooking.Contracts;
using ConcertBooking.Messaging;
using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Pipeline.Tests.Support;
using Confluent.Kafka;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ConcertBooking.Pipeline.Tests;

/// <summary>
/// Anyone who can write to a topic of the embedded cluster can put a record there (kcat, or this test's Confluent
/// producer). An event on the wrong topic or with impossible values is dead-lettered by every group with the
/// reason and no retries; a well-formed payment for a reservation still on hold is parked by the read models. In
/// every case no read model changes.
/// </summary>
public sealed class ForgedEventTests(ForgedEventTests.App fixture) : IClassFixture<ForgedEventTests.App>
{
    private readonly PipelineApp _app = fixture.Pipeline;

    [Fact]
    public async Task Forged_events_are_dead_lettered_with_their_reason_or_parked_and_change_no_read_model()
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        var fan = await _app.ClientForAsync("forged-fan@example.com");
        var (concertId, seats) = await Booking.CreateOpenConcertAsync(admin, seats: 2);
        await Booking.ChargeAsync(fan, 100_000);
        var held = await Booking.HoldAsync(fan, concertId, seats[0]);
        await _app.WaitUntilAllGroupsProcessedEverythingAsync();
        var userId = await NotificationsApi.UserIdAsync(fan);
        var day = DateTimeOffset.UtcNow.Date;
        var hourly = $"/api/analytics/reservations/hourly?from={day.AddDays(-1):yyyy-MM-dd}T00:00:00Z&to={day.AddDays(2):yyyy-MM-dd}T00:00:00Z";
        var before = await AnalyticsApi.SnapshotAsync(fan, admin, [concertId], [userId], hourly);
        var notificationsBefore = (await NotificationsApi.MineAsync(fan)).Count;
        var rankingBefore = await admin.GetStringAsync("/api/rankings/bookings?limit=100");

        var now = DateTimeOffset.UtcNow;
        var forgedPayment = new PaymentCompleted(990_001, held, userId, 5_000_000, "POINTS") { OccurredAt = now };
        var wrongTopic = new ReservationCreated(990_002, userId, concertId, seats[1], 10_000, "forged-fan@example.com", "Forged")
        {
            OccurredAt = now,
            ExpiresAt = now.AddMinutes(5),
        };
        var negativeUser = new PaymentCompleted(990_003, held, -1, 10_000, "POINTS") { OccurredAt = now };
        var negativeAmount = new PaymentCompleted(990_004, held, userId, -5, "POINTS") { OccurredAt = now };
        var noConcert = new ConcertSoldOut(0, "Nothing", now, now.AddHours(-1), 2) { OccurredAt = now };
        await TopicRecords.ProduceAsync(_app.Kafka.BootstrapServers,
        [
            // As kcat writes them: a value and a key, no headers.
            Record(Topics.PaymentEvents, forgedPayment, headers: false),
            Record(Topics.PaymentEvents, wrongTopic, headers: false),
            Record(Topics.PaymentEvents, negativeUser, headers: false),
            Record(Topics.ConcertEvents, noConcert, headers: false),

            // As the relay writes them: the runtime trusts the headers for the identity and checks the value when a
            // handler reads it.
            Record(Topics.PaymentEvents, negativeAmount, headers: true),
        ]);

        var reasons = new (string Topic, IntegrationEvent Event, string Reason)[]
        {
            (Topics.PaymentEvents, wrongTopic, "belongs on reservation-events, not on payment-events"),
            (Topics.PaymentEvents, negativeUser, "userId -1 is not a positive id"),
            (Topics.PaymentEvents, negativeAmount, "amount -5 is outside"),
            (Topics.ConcertEvents, noConcert, "concertId 0 is not a positive id"),
        };
        foreach (var (topic, @event, reason) in reasons)
        {
            var letters = await Eventually.WaitAsync(
                () => Task.Run(() => TopicRecords.ReadAll(_app.Kafka.BootstrapServers, TopicNames.DeadLetterFor(topic))
                    .Where(r => r.Message.Key == @event.Key).ToList()),
                records => records.Count >= PipelineApp.Groups.Length,
                $"every group to park {@event.EventType} {@event.Key} on {topic}.DLT");
            Assert.Equal(PipelineApp.Groups.Order(), letters.Select(r => Header(r, KafkaHeaders.DeadLetterGroup)).Order());
            Assert.All(letters, r =>
            {
                Assert.Equal("0", Header(r, KafkaHeaders.DeadLetterAttempts));
                Assert.Contains(reason, Header(r, KafkaHeaders.DeadLetterExceptionMessage), StringComparison.Ordinal);
            });
        }

        // The forged payment meets the contract: each group handles it, and each read model parks it.
        foreach (var group in PipelineApp.Groups)
        {
            await Eventually.WaitAsync(
                () => _app.WithMessagingDbAsync(db => db.ProcessedEvents.AnyAsync(p => p.GroupId == group && p.EventId == forgedPayment.EventId)),
                processed => processed,
                $"{group} to handle the forged payment");
        }

        Assert.Equal(before, await AnalyticsApi.SnapshotAsync(fan, admin, [concertId], [userId], hourly));
        Assert.Equal(notificationsBefore, (await NotificationsApi.MineAsync(fan)).Count);
        Assert.Equal(rankingBefore, await admin.GetStringAsync("/api/rankings/bookings?limit=100"));
        Assert.False(await _app.WithMessagingDbAsync(db => db.ProcessedEvents.AnyAsync(p =>
            p.EventId == wrongTopic.EventId || p.EventId == negativeUser.EventId || p.EventId == negativeAmount.EventId || p.EventId == noConcert.EventId)));
    }

    private static (string Topic, string? Key, byte[]? Value, Headers? Headers) Record(string topic, IntegrationEvent @event, bool headers) =>
        (topic, @event.Key, EventSerializer.SerializeToUtf8Bytes(@event), headers
            ? new Headers
            {
                { KafkaHeaders.EventType, Encoding.UTF8.GetBytes(@event.EventType) },
                { KafkaHeaders.EventId, Encoding.UTF8.GetBytes(@event.EventId.ToString("D", CultureInfo.InvariantCulture)) },
            }
            : null);

    private static string? Header(ConsumeResult<string?, byte[]?> record, string name) =>
        record.Message.Headers.TryGetLastBytes(name, out var value) ? Encoding.UTF8.GetString(value) : null;

    /// <summary>An app of its own: the dead-letter topics this test reads are not shared with other tests.</summary>
    public sealed class App : IDisposable
    {
        public PipelineApp Pipeline { get; } = new();

        public void Dispose() => Pipeline.Dispose();
    }
}
