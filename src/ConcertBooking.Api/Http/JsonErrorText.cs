using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ConcertBooking.Api.Http;

/// <summary>
/// What a client needs from a JSON error: where the offending value is and what would have been accepted. The
/// serializer's own message names .NET types (<c>ConcertBooking.Domain.Payments.PaymentMethod</c>), which say nothing
/// to a client and show internals, so they are replaced by the wire's words.
/// </summary>
internal static partial class JsonErrorText
{
    public static string Describe(JsonException json)
    {
        var path = json.Path is { Length: > 0 } p ? p : "$";
        if (NotConvertible().Match(json.Message) is { Success: true } conversion)
        {
            return $"the value at {path} is not {Accepted(conversion.Groups["type"].Value, path)}.";
        }

        if (MissingRequired().Match(json.Message) is { Success: true } missing)
        {
            return $"required properties are missing: {missing.Groups["names"].Value}.";
        }

        // Syntax errors: the reader's message names the position and no type.
        var text = TypeName().Replace(json.Message, "a value");
        return text.Length > 0 ? text : $"the value at {path} is not valid.";
    }

    private static string Accepted(string typeName, string path)
    {
        var type = LoadedTypes.Find(typeName);

        // A record bound through its constructor is named instead of its member that failed; the path names that one.
        if (type is { IsClass: true } && type != typeof(string) && LastMember().Match(path) is { Success: true } member
            && type.GetProperty(member.Groups[1].Value, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is { } property)
        {
            type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        }

        return type switch
        {
            _ when type == typeof(int) || type == typeof(long) => "a whole number",
            _ when type == typeof(decimal) || type == typeof(double) => "a number",
            _ when type == typeof(string) => "a string",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "a date and time (ISO 8601, e.g. 2027-05-10T20:00:00+09:00)",
            _ when type == typeof(TimeSpan) => "a duration (hh:mm:ss)",
            { IsEnum: true } => "one of " + string.Join(", ", Enum.GetNames(type).Select(n => JsonNamingPolicy.SnakeCaseUpper.ConvertName(n))),
            _ => "of the expected shape",
        };
    }

    [GeneratedRegex(@"\.(\w+)(?:\[\d+\])*$")]
    private static partial Regex LastMember();

    [GeneratedRegex(@"could not be converted to (?<type>[^ ]+?)\. Path:")]
    private static partial Regex NotConvertible();

    [GeneratedRegex(@"missing required properties(?: including)?: (?<names>.+?)\.?$")]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"'?(System|ConcertBooking|Microsoft)\.[\w.`\[\],]+'?")]
    private static partial Regex TypeName();
}
