using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ConcertBooking.Contracts;
using ConcertBooking.DataPlatform.Analytics;
using ConcertBooking.Pipeline.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Pipeline.Tests;

/// <summary>The waiting room's events on the whole pipeline: the data platform counts them, the notification
/// service tells every fan still waiting when the concert sells out.</summary>
public sealed class WaitingRoomEventsTests : IDisposable
{
    private readonly PipelineApp _app = new(settings: [("Queue:AdmissionInterval", "00:00:00.100")]);

    [Fact]
    public async Task A_sell_out_tells_every_waiting_fan_and_the_data_platform_keeps_the_queue_over_time()
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        var buyer = await _app.ClientForAsync("queue-buyer@example.com");
        var waiters = new[]
        {
            await _app.ClientForAsync("queue-waiter1@example.com"),
            await _app.ClientForAsync("queue-waiter2@example.com"),
            await _app.ClientForAsync("queue-waiter3@example.com"),
        };
        var (concertId, seatId, concertName) = await QueuedConcertAsync(admin);

        // The buyer is first in line, so the only one let in (one shopper at a time).
        foreach (var fan in waiters.Prepend(buyer))
        {
            Assert.Equal(HttpStatusCode.OK, (await fan.PostAsync($"/api/concerts/{concertId}/queue", null)).StatusCode);
        }

        await Eventually.WaitAsync(() => StatusAsync(buyer, concertId), s => s == "ADMITTED", "the buyer's admission");
        await Booking.ChargeAsync(buyer, 100_000);
        await Booking.PayAsync(buyer, await Booking.HoldAsync(buyer, concertId, seatId));

        // Sold out: the waiting room is closed, and everyone still in line hears of it.
        foreach (var fan in waiters)
        {
            Assert.Equal("CLOSED", await StatusAsync(fan, concertId));
            var notice = Assert.Single(await NotificationsApi.WaitForAsync(fan, n => n.Count > 0, "the queue-closed notice"));
            Assert.Equal(("QUEUE_CLOSED", $"Sold out: {concertName}"), (notice.Type, notice.Subject));
            Assert.Contains("before your turn in its waiting room came", notice.Body, StringComparison.Ordinal);
        }

        await _app.WaitUntilAllGroupsProcessedEverythingAsync();
        Assert.DoesNotContain(await NotificationsApi.MineAsync(buyer), n => n.Type == "QUEUE_CLOSED");

        // The data platform: four joined, one let in after the wait the booking side recorded, three closed out.
        var queue = await GetAsync<QueueAnalyticsDto>(buyer, $"/api/analytics/concerts/{concertId}/queue");
        var admitted = await AdmittedEventAsync(concertId);
        Assert.Equal((4, 1, 3, 0), (queue.Joined, queue.Admitted, queue.ClosedOut, queue.Waiting));
        Assert.Equal(admitted.WaitedSeconds, queue.AverageWaitSeconds);
        Assert.Equal(admitted.WaitedSeconds, queue.MaxWaitSeconds);
        Assert.Equal(queue.Joined, queue.Minutes.Sum(m => m.Joined));
        Assert.Equal(0, queue.Minutes[^1].QueueLength);
        Assert.Equal(queue.Minutes.Select(m => m.Minute).Order(), queue.Minutes.Select(m => m.Minute));
        Assert.Equal(HttpStatusCode.NotFound, (await buyer.GetAsync($"/api/analytics/concerts/{concertId + 1000}/queue")).StatusCode);

        // Rebuilt from the start, the figures are the same.
        var rebuild = await admin.PostAsync("/api/admin/read-models/data-platform/rebuild?from=1970-01-01T00:00:00Z", null);
        Assert.Equal(HttpStatusCode.OK, rebuild.StatusCode);
        Assert.Equal(JsonSerializer.Serialize(queue), JsonSerializer.Serialize(await GetAsync<QueueAnalyticsDto>(buyer, $"/api/analytics/concerts/{concertId}/queue")));
    }

    private static async Task<(long ConcertId, long SeatId, string Name)> QueuedConcertAsync(HttpClient admin)
    {
        var now = DateTimeOffset.UtcNow;
        var name = "Queue test " + Guid.NewGuid().ToString("N")[..8];
        var response = await admin.PostAsJsonAsync("/api/admin/concerts", new
        {
            name,
            venue = "Test Hall",
            startsAt = now.AddDays(30),
            bookingOpensAt = now,
            sections = new[] { new { name = "Floor", rows = 1, seatsPerRow = 1, price = 10_000 } },
            queue = new { enabled = true, opensAt = now, admissionWindow = "00:10:00", maxActiveShoppers = 1 },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var concertId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var seats = await admin.GetFromJsonAsync<JsonElement>($"/api/concerts/{concertId}/seats");
        return (concertId, seats[0].GetProperty("id").GetInt64(), name);
    }

    private static async Task<string> StatusAsync(HttpClient fan, long concertId) =>
        (await fan.GetFromJsonAsync<JsonElement>($"/api/concerts/{concertId}/queue/me")).GetProperty("status").GetString()!;

    private async Task<FanAdmitted> AdmittedEventAsync(long concertId)
    {
        var payloads = await _app.WithBookingDbAsync(db => db.OutboxMessages.Where(m => m.EventType == EventTypes.FanAdmitted).Select(m => m.Payload).ToListAsync());
        return Assert.Single(payloads.Select(p => (FanAdmitted)EventSerializer.Deserialize(System.Text.Encoding.UTF8.GetBytes(p), UpcastDefaults.Standard)), e => e.ConcertId == concertId);
    }

    private static async Task<T> GetAsync<T>(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<T>(PipelineApp.Json))!;
    }

    public void Dispose() => _app.Dispose();
}
