using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

using Confluent.Kafka;

namespace ConcertBooking.Messaging.Tests;

/// <summary>
/// Records as a release before schema versions put them on the wire, captured from a running app with
/// <c>kcat -C -J</c> (one JSON object per record): <c>v1-with-expires-at.jsonl</c> from the release of today,
/// <c>v1-before-expires-at.jsonl</c> from the one before it, whose RESERVATION_CREATED had no <c>expiresAt</c>.
/// </summary>
internal sealed record RecordedRecord(
    string Topic, int Partition, long Offset, [property: JsonPropertyName("ts")] long TimestampMs, string? Key,
    IReadOnlyList<string> Headers, string Payload)
{
    public const string WithExpiresAt = "v1-with-expires-at.jsonl";
    public const string BeforeExpiresAt = "v1-before-expires-at.jsonl";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public DateTimeOffset Timestamp => DateTimeOffset.FromUnixTimeMilliseconds(TimestampMs);

    public string? Header(string key)
    {
        for (var i = Headers.Count - 2; i >= 0; i -= 2)
        {
            if (Headers[i] == key)
            {
                return Headers[i + 1];
            }
        }

        return null;
    }

    /// <summary>The record as a consumer receives it: the same key, value and headers, in their order.</summary>
    public Message<string?, byte[]?> ToMessage()
    {
        var headers = new Headers();
        for (var i = 0; i < Headers.Count; i += 2)
        {
            headers.Add(Headers[i], Encoding.UTF8.GetBytes(Headers[i + 1]));
        }

        return new Message<string?, byte[]?> { Key = Key, Value = Encoding.UTF8.GetBytes(Payload), Headers = headers };
    }

    public static IReadOnlyList<RecordedRecord> Load(string file) =>
        [.. File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Recorded", file))
            .Where(line => line.Length > 0)
            .Select(line => JsonSerializer.Deserialize<RecordedRecord>(line, Options)!)];

    public static IReadOnlyList<RecordedRecord> All => [.. Load(BeforeExpiresAt), .. Load(WithExpiresAt)];
}
