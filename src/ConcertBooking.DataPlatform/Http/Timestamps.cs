using System.Globalization;

namespace ConcertBooking.DataPlatform.Http;

/// <summary>ISO-8601 timestamps from query strings; without an offset they are UTC. Only years 1970 to 2999 are
/// accepted: nothing this system records lies outside them, and at the edges of DateTimeOffset's range the hour
/// arithmetic of a series would overflow.</summary>
internal static class Timestamps
{
    public static readonly DateTimeOffset Min = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset Max = new(3000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd",
    ];

    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        // An unencoded '+' of an offset (…T10:00:00+09:00) arrives as a space; no ISO-8601 timestamp has one.
        return DateTimeOffset.TryParseExact(
            text.Trim().Replace(' ', '+'),
            Formats,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out value) && value >= Min && value < Max;
    }
}
