using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace ConcertBooking.Api.Tests.Deployment;

/// <summary>A compose file as Compose reads it: anchors and <c>&lt;&lt;</c> merges resolved, short forms expanded.</summary>
internal sealed record ComposeFile(string Path, IReadOnlyDictionary<string, ComposeService> Services, IReadOnlySet<string> Volumes)
{
    public static ComposeFile Load(string path)
    {
        using var reader = File.OpenText(path);
        var root = (Dictionary<object, object>)new DeserializerBuilder().Build()
            .Deserialize(new MergingParser(new Parser(reader)))!;
        var services = Map(root.GetValueOrDefault("services"))
            .ToDictionary(s => s.Key, s => ComposeService.From(s.Key, Map(s.Value)));
        return new(path, services, Map(root.GetValueOrDefault("volumes")).Keys.ToHashSet());
    }

    internal static Dictionary<string, object?> Map(object? node) =>
        node is Dictionary<object, object?> map ? map.ToDictionary(e => (string)e.Key, e => e.Value) : [];

    internal static List<string> List(object? node) => node is List<object?> list ? [.. list.Select(i => Scalar(i))] : [];

    internal static string Scalar(object? node) => node as string ?? "";
}

internal sealed record ComposeService(
    string Name,
    string? Image,
    (string Context, string Dockerfile)? Build,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<(string Source, string Target)> Volumes,
    IReadOnlyList<int> HostPorts,
    IReadOnlyList<string> DependsOn,
    string? Hostname)
{
    public string Env(string name) => Environment.TryGetValue(name, out var value) ? value : "";

    public static ComposeService From(string name, Dictionary<string, object?> service)
    {
        var build = service.GetValueOrDefault("build") switch
        {
            string context => (context, "Dockerfile"),
            Dictionary<object, object?> b => (ComposeFile.Scalar(b.GetValueOrDefault("context")), b.GetValueOrDefault("dockerfile") as string ?? "Dockerfile"),
            _ => ((string, string)?)null,
        };
        var environment = service.GetValueOrDefault("environment") switch
        {
            Dictionary<object, object?> map => map.ToDictionary(e => (string)e.Key, e => ComposeFile.Scalar(e.Value)),
            List<object?> list => list.Select(ComposeFile.Scalar).Select(e => e.Split('=', 2)).ToDictionary(e => e[0], e => e.ElementAtOrDefault(1) ?? ""),
            _ => [],
        };
        var volumes = ComposeFile.List(service.GetValueOrDefault("volumes"))
            .Select(v => v.Split(':'))
            .Select(v => (v[0], v.ElementAtOrDefault(1) ?? v[0]))
            .ToList();
        var ports = ComposeFile.List(service.GetValueOrDefault("ports"))
            .Select(p => p.Split(':'))
            .Where(p => p.Length > 1)
            .Select(p => int.Parse(p[^2], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        var dependsOn = service.GetValueOrDefault("depends_on") switch
        {
            List<object?> list => list.Select(ComposeFile.Scalar).ToList(),
            Dictionary<object, object?> map => map.Keys.Cast<string>().ToList(),
            _ => [],
        };
        return new(name, service.GetValueOrDefault("image") as string, build, environment, volumes, ports, dependsOn, service.GetValueOrDefault("hostname") as string);
    }
}
