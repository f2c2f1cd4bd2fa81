using System.Net.Http.Json;
using System.Text.Json;

namespace ConcertBooking.Pipeline.Tests.Support;

internal sealed record NotificationView(long Id, string Type, Guid EventId, string Subject, string Body, DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt);

/// <summary>The notification service's HTTP calls the tests make.</summary>
internal static class NotificationsApi
{
    public static async Task<List<NotificationView>> MineAsync(HttpClient fan) =>
        (await fan.GetFromJsonAsync<List<NotificationView>>("/api/me/notifications", PipelineApp.Json))!;

    /// <summary>Waits until the fan's notifications satisfy <paramref name="done"/> and returns them.</summary>
    public static Task<List<NotificationView>> WaitForAsync(HttpClient fan, Func<List<NotificationView>, bool> done, string what) =>
        Eventually.WaitAsync(() => MineAsync(fan), done, what);

    public static async Task<long> UserIdAsync(HttpClient fan) =>
        (await fan.GetFromJsonAsync<JsonElement>("/api/me/balance")).GetProperty("userId").GetInt64();

    public static async Task<string> ConcertNameAsync(HttpClient client, long concertId) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/concerts/{concertId}")).GetProperty("name").GetString()!;
}
