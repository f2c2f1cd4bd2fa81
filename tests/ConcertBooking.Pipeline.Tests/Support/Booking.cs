using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ConcertBooking.Pipeline.Tests.Support;

/// <summary>The few booking calls the pipeline tests make, through the real HTTP API.</summary>
internal static class Booking
{
    public static async Task<(long ConcertId, long[] SeatIds)> CreateOpenConcertAsync(HttpClient admin, int seats)
    {
        var response = await admin.PostAsJsonAsync("/api/admin/concerts", new
        {
            name = "Pipeline test " + Guid.NewGuid().ToString("N")[..8],
            venue = "Test Hall",
            startsAt = DateTimeOffset.UtcNow.AddDays(30),
            bookingOpensAt = DateTimeOffset.UtcNow,
            sections = new[] { new { name = "Floor", rows = 1, seatsPerRow = seats, price = 10_000 } },

            // These tests follow events, not fans: one test fan may buy the whole hall.
            maxTicketsPerFan = seats,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var concertId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var seatList = await admin.GetFromJsonAsync<JsonElement>($"/api/concerts/{concertId}/seats");
        return (concertId, seatList.EnumerateArray().Select(s => s.GetProperty("id").GetInt64()).ToArray());
    }

    public static async Task<long> HoldAsync(HttpClient fan, long concertId, long seatId)
    {
        var response = await fan.PostAsJsonAsync("/api/reservations", new { concertId, seatId });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    public static async Task PayAsync(HttpClient fan, long reservationId)
    {
        var response = await fan.PostAsJsonAsync($"/api/reservations/{reservationId}/payment", new { method = "POINTS" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static async Task CancelAsync(HttpClient fan, long reservationId)
    {
        var response = await fan.DeleteAsync($"/api/reservations/{reservationId}");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    public static async Task ChargeAsync(HttpClient fan, long amount)
    {
        var response = await fan.PostAsJsonAsync("/api/me/balance/charge", new { amount });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
