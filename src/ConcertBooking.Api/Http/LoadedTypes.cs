using System.Text.RegularExpressions;

namespace ConcertBooking.Api.Http;

/// <summary>Finds the type behind a name in a library's error message, so the message can be said without it.</summary>
internal static partial class LoadedTypes
{
    /// <summary>The loaded type of that full name; a nullable's underlying type (both spellings of its name).</summary>
    public static Type? Find(string fullName)
    {
        var name = NullableOf().Match(fullName) is { Success: true } nullable ? nullable.Groups[1].Value : fullName;
        return AppDomain.CurrentDomain.GetAssemblies()
            .Select(a => a.GetType(name, throwOnError: false))
            .FirstOrDefault(t => t is not null);
    }

    [GeneratedRegex(@"^System\.Nullable`1\[\[?([^,\]]+)")]
    private static partial Regex NullableOf();
}
