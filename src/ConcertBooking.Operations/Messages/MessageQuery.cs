using System.Text;
using ConcertBooking.Messaging;
using Confluent.Kafka;

namespace ConcertBooking.Operations.Messages;

/// <summary>
/// Which records of a topic to show. Start: <see cref="Partition"/> alone reads that partition only; without it every
/// partition is read in order, and <see cref="Cursor"/> (a page's <c>next</c>) resumes such a walk. Each partition
/// starts at <see cref="Offset"/> or at the first record from <see cref="From"/>, else at its beginning. Filters
/// compare exactly: the key, the <c>eventType</c> and <c>eventId</c> (header, else the JSON value's field) and any
/// header's text.
/// </summary>
public sealed record MessageQuery(
    int? Partition,
    long? Offset,
    DateTimeOffset? From,
    string? Key,
    string? EventType,
    string? EventId,
    string? HeaderName,
    string? HeaderValue,
    TopicPosition? Cursor,
    int Limit)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public bool Matches(ConsumeResult<byte[]?, byte[]?> record)
    {
        var message = record.Message;
        if (From is { } from && message.Timestamp.UnixTimestampMs < from.ToUnixTimeMilliseconds())
        {
            return false;
        }

        if (Key is not null && (message.Key is null || !Encoding.UTF8.GetBytes(Key).AsSpan().SequenceEqual(message.Key)))
        {
            return false;
        }

        if (HeaderName is not null && RecordText.HeaderText(HeaderName, LastHeader(message.Headers, HeaderName)) != HeaderValue)
        {
            return false;
        }

        return (EventType is null || Identity(message, KafkaHeaders.EventType, "eventType") == EventType)
            && (EventId is null || string.Equals(Identity(message, KafkaHeaders.EventId, "eventId"), EventId, StringComparison.OrdinalIgnoreCase));
    }

    private static byte[]? LastHeader(Headers? headers, string name) =>
        headers is not null && headers.TryGetLastBytes(name, out var bytes) ? bytes : null;

    /// <summary>The relay names the event in headers; a record from another producer may only say it in the value.</summary>
    private static string? Identity(Message<byte[]?, byte[]?> message, string header, string property)
    {
        if (RecordText.Header(message.Headers, header) is { } named)
        {
            return named;
        }

        if (message.Value is not { Length: > 0 } value)
        {
            return null;
        }

        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(value);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && document.RootElement.TryGetProperty(property, out var field)
                && field.ValueKind == System.Text.Json.JsonValueKind.String
                    ? field.GetString()
                    : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}

/// <summary>A page of records and where the next one starts (null: nothing more now).</summary>
public sealed record MessagePage(IReadOnlyList<MessageView> Items, TopicPosition? Next);
