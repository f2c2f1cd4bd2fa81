using System.Reflection;
using System.Text.RegularExpressions;
using ConcertBooking.Api.Http;
using ConcertBooking.Persistence.Migrations;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Api.Startup;

/// <summary>A start that cannot go on, for a reason the operator can fix: said in one line, no stack trace.</summary>
public sealed class StartupException(string message) : Exception(message);

/// <summary>
/// Turns the ways a start fails for a fixable reason (a setting that does not convert or validate, an unknown role,
/// a port in use) into one line naming the setting and what it accepts. Anything else is a bug and keeps its trace.
/// </summary>
public static partial class StartupFailure
{
    /// <summary>
    /// True when this application is the process (<c>dotnet ConcertBooking.Api.dll</c>), not hosted by another one
    /// (a test's <c>WebApplicationFactory</c> runs <c>Program</c> on a test server): only a process ends in one line
    /// and checks its port; a host inside another process lets the failure reach that process.
    /// </summary>
    public static bool RunsAsProcess => Assembly.GetEntryAssembly() == typeof(StartupFailure).Assembly;

    public static string? Describe(Exception exception) => exception switch
    {
        StartupException startup => startup.Message,
        DatabaseSchemaException schema => schema.Message,
        OptionsValidationException invalid => $"Invalid configuration: {OneLine(string.Join("; ", invalid.Failures.Select(f => Settingwise(invalid.OptionsType, f))))}",
        AggregateException aggregate when aggregate.InnerExceptions.Select(Describe).ToList() is var lines && lines.All(l => l is not null) =>
            string.Join("; ", lines),
        InvalidOperationException conversion when FailedConversion().Match(conversion.Message) is { Success: true } match =>
            $"Invalid configuration: {match.Groups["key"].Value}{ValueOf(match)} is not {Accepted(match.Groups["type"].Value)}.",
        IOException { InnerException: AddressInUseException } inUse => OneLine(inUse.Message),
        _ => null,
    };

    /// <summary>Data annotations name the options class and its property; the operator knows the setting's path.</summary>
    private static string Settingwise(Type optionsType, string failure)
    {
        if (DataAnnotationFailure().Match(failure) is not { Success: true } match)
        {
            return failure;
        }

        var section = optionsType.GetField("SectionName")?.GetValue(null) as string;
        var setting = section is null ? match.Groups["member"].Value : $"{section}:{match.Groups["member"].Value}";
        return $"{setting}: {match.Groups["error"].Value}";
    }

    private static string ValueOf(Match match) => match.Groups["value"].Success ? $"={match.Groups["value"].Value}" : "";

    /// <summary>What a setting of the binder's target type accepts, in the words of the README.</summary>
    private static string Accepted(string typeName) => LoadedTypes.Find(typeName) switch
    {
        var t when t == typeof(TimeSpan) => "a duration (hh:mm:ss, e.g. 00:05:00)",
        var t when t == typeof(int) || t == typeof(long) => "a whole number",
        var t when t == typeof(double) || t == typeof(decimal) => "a number",
        var t when t == typeof(bool) => "true or false",
        var t when t == typeof(DateTimeOffset) => "a date and time (e.g. 2027-05-10T20:00:00+09:00)",
        var t when t == typeof(Uri) => "a URL",
        { IsEnum: true } type => $"one of {string.Join(", ", Enum.GetNames(type))}",
        _ => $"a valid {typeName}",
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    [GeneratedRegex(@"Failed to convert configuration value (?:'(?<value>.*)' )?at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex FailedConversion();

    [GeneratedRegex(@"^DataAnnotation validation failed for '[^']+' members: '(?<member>[^']+)' with the error: '(?<error>.*)'\.?$")]
    private static partial Regex DataAnnotationFailure();
}
