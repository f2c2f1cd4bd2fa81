namespace ConcertBooking.Messaging.Hosting;

/// <summary>
/// What this process does, from <c>--roles api,relay,notification,ranking,data-platform</c> (default: everything),
/// so each service can run as its own process and a consumer group scales out by adding processes.
/// </summary>
public sealed record MessagingRoles(IReadOnlySet<string> Roles)
{
    public const string Api = "api";
    public const string Relay = "relay";
    public const string Notification = "notification";
    public const string Ranking = "ranking";
    public const string DataPlatform = "data-platform";

    public static readonly IReadOnlyList<string> All = [Api, Relay, Notification, Ranking, DataPlatform];

    public bool Has(string role) => Roles.Contains(role);

    public static MessagingRoles Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new(All.ToHashSet(StringComparer.OrdinalIgnoreCase));
        }

        var roles = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unknown = roles.Except(All, StringComparer.OrdinalIgnoreCase).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown role(s) {string.Join(", ", unknown)}; known: {string.Join(", ", All)}.");
        }

        return new(roles);
    }

    public override string ToString() => string.Join(",", All.Where(Has));
}
