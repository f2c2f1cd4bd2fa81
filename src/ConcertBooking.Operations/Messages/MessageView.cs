namespace ConcertBooking.Operations.Messages;

/// <summary>One record as operators read it: where it sits, its key, its headers and its value as text (JSON
/// pretty-printed; bytes that are not text as <c>base64:…</c>).</summary>
public sealed record MessageView(
    string Topic,
    int Partition,
    long Offset,
    DateTimeOffset Timestamp,
    string? Key,
    IReadOnlyDictionary<string, string?> Headers,
    string? Value);

/// <summary>A position in a topic: where the next page starts. <see cref="Cursor"/> resumes a walk over every
/// partition (<c>cursor=</c>); <c>partition=</c> and <c>offset=</c> resume within that one partition.</summary>
public sealed record TopicPosition(int Partition, long Offset)
{
    public string Cursor => $"{Partition}:{Offset}";

    public static TopicPosition? ParseCursor(string text)
    {
        var parts = text.Split(':');
        return parts.Length == 2
            && int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var partition)
            && long.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var offset)
                ? new TopicPosition(partition, offset)
                : null;
    }
}
