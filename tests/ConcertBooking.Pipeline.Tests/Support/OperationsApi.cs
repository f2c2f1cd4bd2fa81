using System.Net;
using System.Net.Http.Json;

namespace ConcertBooking.Pipeline.Tests.Support;

internal sealed record DeadLetterFailureView(
    string OriginalTopic, int? OriginalPartition, long? OriginalOffset, string? Group, int? Attempts, string? Exception, string? Reason,
    DateTimeOffset? FailedAt);

internal sealed record DeadLetterView(
    string Topic, int Partition, long Offset, DateTimeOffset Timestamp, string? Key, string? EventType, string? EventId, string? Value,
    Dictionary<string, string?> Headers, DeadLetterFailureView Failure, string State, DateTimeOffset? StateChangedAt, string? StateChangedBy)
{
    public object Ref => new { topic = Topic, partition = Partition, offset = Offset };
}

internal sealed record DeadLetterList(List<DeadLetterView> Items);

internal sealed record AuditView(DateTimeOffset At, string By, string Action, string Target, string Detail);

internal sealed record MessageItem(string Topic, int Partition, long Offset, DateTimeOffset Timestamp, string? Key, Dictionary<string, string?> Headers, string? Value);

internal sealed record PositionView(int Partition, long Offset, string Cursor);

internal sealed record MessagePageView(List<MessageItem> Items, PositionView? Next);

/// <summary>The operators' HTTP calls the tests make.</summary>
internal static class OperationsApi
{
    public static async Task<List<DeadLetterView>> DeadLettersAsync(HttpClient admin, string query = "")
    {
        var response = await admin.GetAsync("/api/admin/dead-letters" + query);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<DeadLetterList>(PipelineApp.Json))!.Items;
    }

    /// <summary>Waits until the listing (with <paramref name="query"/>) holds <paramref name="count"/> records with the key.</summary>
    public static Task<List<DeadLetterView>> WaitForDeadLettersAsync(HttpClient admin, string key, int count, string query = "?state=PARKED") =>
        Eventually.WaitAsync(
            async () => (await DeadLettersAsync(admin, query)).Where(d => d.Key == key).ToList(),
            letters => letters.Count >= count,
            $"{count} dead letter(s) with key {key}");

    public static async Task<List<AuditView>> AuditAsync(HttpClient admin) =>
        (await admin.GetFromJsonAsync<List<AuditView>>("/api/admin/audit", PipelineApp.Json))!;

    public static async Task<MessagePageView> MessagesAsync(HttpClient admin, string topic, string query)
    {
        var response = await admin.GetAsync($"/api/admin/topics/{topic}/messages{query}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<MessagePageView>(PipelineApp.Json))!;
    }
}
