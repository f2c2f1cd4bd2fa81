using System.Collections;
using System.Reflection;

using ConcertBooking.DataPlatform;
using ConcertBooking.Messaging.Hosting;
using ConcertBooking.Notifications;
using ConcertBooking.Rankings;

using Confluent.Kafka;

namespace ConcertBooking.Api.Tests.Deployment;

/// <summary>
/// The settings the application reads, so a deployment file's environment can be checked against them: every
/// options class bound from a section (found by its <c>SectionName</c>), property by property, and the few keys read
/// directly. A variable naming anything else would be silently ignored by the application.
/// </summary>
internal static class AppSettings
{
    /// <summary>The roles a process may be given (<c>ROLES</c>).</summary>
    public static readonly IReadOnlySet<string> Roles = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ProcessRoles.Api, ProcessRoles.Relay, ProcessRoles.Kafka, NotificationService.Role, RankingService.Role, DataPlatformService.Role,
    };

    private static readonly IReadOnlySet<string> ConnectionNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        DatabaseExtensions.DefaultConnection, NotificationService.ConnectionName, RankingService.ConnectionName, DataPlatformService.ConnectionName,
    };

    /// <summary>Keys read outside any options class: the process roles, the listening addresses and the hosting
    /// environment (read by ASP.NET Core itself).</summary>
    private static readonly IReadOnlySet<string> DirectKeys = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "roles", "urls", "ASPNETCORE_ENVIRONMENT", "OTEL_EXPORTER_OTLP_ENDPOINT",
    };

    /// <summary>Sections bound onto librdkafka's own configuration objects (KafkaConnection).</summary>
    private static readonly IReadOnlyDictionary<string, Type> ClientSections = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
    {
        ["Kafka:Producer"] = typeof(ProducerConfig),
        ["Kafka:Consumer"] = typeof(ConsumerConfig),
    };

    private static readonly IReadOnlyDictionary<string, Type> OptionSections = Directory
        .GetFiles(AppContext.BaseDirectory, "ConcertBooking.*.dll")
        .Where(path => !Path.GetFileName(path).Contains(".Tests.", StringComparison.Ordinal))
        .Select(path => Assembly.Load(AssemblyName.GetAssemblyName(path)))
        .SelectMany(a => a.GetTypes())
        .Where(t => t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true })
        .ToDictionary(t => (string)t.GetField("SectionName")!.GetValue(null)!, StringComparer.OrdinalIgnoreCase);

    /// <summary>Null when the environment variable <paramref name="name"/> sets a setting the application reads;
    /// otherwise why not.</summary>
    public static string? Check(string name)
    {
        var key = name.Replace("__", ":", StringComparison.Ordinal);
        if (DirectKeys.Contains(key))
        {
            return null;
        }

        var parts = key.Split(':');
        if (parts is ["ConnectionStrings", var connection])
        {
            return ConnectionNames.Contains(connection) ? null : $"{name}: no database is named {connection} (known: {string.Join(", ", ConnectionNames)}).";
        }

        if (parts is ["Logging", "LogLevel", _])
        {
            return null;
        }

        // The longest section that the key lies in: Kafka:Outbox before Kafka.
        for (var length = parts.Length - 1; length >= 1; length--)
        {
            var section = string.Join(':', parts[..length]);
            if (ClientSections.TryGetValue(section, out var clientConfig) || OptionSections.TryGetValue(section, out clientConfig))
            {
                return Resolve(clientConfig, parts[length..]) ? null : $"{name}: {clientConfig.Name} has no setting {string.Join(':', parts[length..])}.";
            }
        }

        return $"{name}: no part of the application reads {key}.";
    }

    private static bool Resolve(Type type, ReadOnlySpan<string> path)
    {
        while (true)
        {
            if (path.IsEmpty)
            {
                return IsValue(type);
            }

            var property = type.GetProperty(path[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is not null)
            {
                if (property.SetMethod is not { IsPublic: true } && IsValue(property.PropertyType))
                {
                    return false;
                }

                type = property.PropertyType;
                path = path[1..];
                continue;
            }

            // An array, list or dictionary: the next part is an index or a key.
            if (type == typeof(string) || !type.IsAssignableTo(typeof(IEnumerable))
                || (!int.TryParse(path[0], out _) && !type.IsAssignableTo(typeof(IDictionary))))
            {
                return false;
            }

            type = type.IsArray ? type.GetElementType()! : type.GetGenericArguments().LastOrDefault() ?? typeof(object);
            path = path[1..];
        }
    }

    private static bool IsValue(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying.IsPrimitive || underlying.IsEnum || underlying == typeof(string) || underlying == typeof(decimal)
            || underlying == typeof(TimeSpan) || underlying == typeof(DateTimeOffset) || underlying == typeof(Uri);
    }
}
