using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Messaging.Hosting;

/// <summary>
/// What this process does, from <c>--roles</c> (comma-separated; default: everything), so each service can run as
/// its own process and a consumer group scales out by adding processes. The roles are whatever the composition
/// declares: <c>api</c>, <c>relay</c>, <c>kafka</c> and each consumer group's role. Asking for a role nobody
/// declared fails the start with the list of known ones.
/// </summary>
public sealed class ProcessRoles
{
    public const string Api = "api";
    public const string Relay = "relay";
    public const string Kafka = "kafka";

    private const string PropertyKey = "ConcertBooking.ProcessRoles";
    private readonly HashSet<string>? _requested;
    private readonly List<string> _known = [];

    private ProcessRoles(HashSet<string>? requested) => _requested = requested;

    public IReadOnlyList<string> Known => _known;

    /// <summary>True when every role runs here (no <c>--roles</c>).</summary>
    public bool All => _requested is null;

    /// <summary>Declares <paramref name="role"/> and tells whether this process runs it.</summary>
    public bool Has(string role)
    {
        if (!_known.Contains(role, StringComparer.OrdinalIgnoreCase))
        {
            _known.Add(role);
        }

        return _requested is null || _requested.Contains(role);
    }

    /// <summary>The roles of the process being composed, parsed once from the <c>roles</c> setting.</summary>
    public static ProcessRoles Of(IHostApplicationBuilder builder)
    {
        if (builder.Properties.TryGetValue(PropertyKey, out var existing))
        {
            return (ProcessRoles)existing;
        }

        var text = builder.Configuration["roles"];
        var roles = new ProcessRoles(string.IsNullOrWhiteSpace(text)
            ? null
            : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase));
        builder.Properties[PropertyKey] = roles;
        builder.Services.AddSingleton(roles);
        return roles;
    }

    /// <summary>Throws when a requested role was never declared; call once the composition is complete.</summary>
    public void EnsureKnown()
    {
        var unknown = _requested?.Where(r => !_known.Contains(r, StringComparer.OrdinalIgnoreCase)).ToList() ?? [];
        if (unknown.Count > 0)
        {
            throw new OptionsValidationException("roles", typeof(ProcessRoles),
                [$"roles: unknown role(s) {string.Join(", ", unknown)}; accepted: {string.Join(", ", _known)} (comma-separated)"]);
        }
    }

    public override string ToString() => string.Join(",", _known.Where(Has));
}
