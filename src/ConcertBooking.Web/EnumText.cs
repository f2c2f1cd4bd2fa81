using System.Text.Json;

namespace ConcertBooking.Web;

/// <summary>Enums travel as UPPER_SNAKE strings (ON_SALE); this parses them the same way the JSON converter does.</summary>
public static class EnumText
{
    public static bool TryParse<TEnum>(string text, out TEnum value)
        where TEnum : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(JsonNamingPolicy.SnakeCaseUpper.ConvertName(candidate.ToString()), text, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }
}
