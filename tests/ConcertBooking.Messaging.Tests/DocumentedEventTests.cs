using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

using ConcertBooking.Contracts;

namespace ConcertBooking.Messaging.Tests;

/// <summary>
/// docs/events.md cannot drift from the serializer: every version a consumer reads is documented, with a field table
/// that names exactly the example's fields and an example that is read at its version and meets the contract; the
/// example of the current version is byte for byte what the serializer writes.
/// </summary>
public sealed partial class DocumentedEventTests
{
    private static readonly string[] EnvelopeFields = [IntegrationEvent.EventTypePropertyName, EventSchemas.VersionPropertyName, "eventId", "occurredAt"];

    private static readonly IReadOnlyList<DocumentedVersion> Documented = DocumentedVersion.Parse(
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Docs", "events.md")));

    public static TheoryData<string, int> Versions
    {
        get
        {
            var versions = new TheoryData<string, int>();
            foreach (var documented in Documented)
            {
                versions.Add(documented.EventType, documented.Version);
            }

            return versions;
        }
    }

    [Fact]
    public void Each_version_a_consumer_reads_is_documented_once_and_nothing_else_is()
    {
        var read = EventSchemas.All.SelectMany(s => Enumerable.Range(s.Oldest, s.Current - s.Oldest + 1).Select(v => (s.EventType, v)));

        Assert.Equal(read.Order(), Documented.Select(d => (d.EventType, d.Version)).Order());
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void The_example_is_read_at_its_version_and_meets_the_contract(string eventType, int version)
    {
        var doc = Documented.Single(d => (d.EventType, d.Version) == (eventType, version));

        var @event = EventSerializer.Deserialize(Encoding.UTF8.GetBytes(doc.Example), UpcastDefaults.Standard, out var read);

        Assert.Equal((eventType, version), (@event.EventType, read));
        Assert.Null(EventValidation.Validate(@event.Topic, @event, @event.OccurredAt.AddMinutes(1)));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void The_field_table_names_exactly_the_example_s_fields(string eventType, int version)
    {
        var doc = Documented.Single(d => (d.EventType, d.Version) == (eventType, version));
        var example = JsonNode.Parse(doc.Example)!.AsObject().Select(p => p.Key).Except(EnvelopeFields).ToHashSet();

        Assert.Superset(doc.Fields.Where(f => !f.Optional).Select(f => f.Name).ToHashSet(), example);
        Assert.Subset(doc.Fields.Select(f => f.Name).ToHashSet(), example);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void The_example_of_the_current_version_is_what_the_serializer_writes(string eventType, int version)
    {
        if (EventSchemas.Find(eventType)!.Current != version)
        {
            return;
        }

        var doc = Documented.Single(d => (d.EventType, d.Version) == (eventType, version));
        var @event = EventSerializer.Deserialize(Encoding.UTF8.GetBytes(doc.Example), UpcastDefaults.Standard);

        Assert.Equal(doc.Example, EventSerializer.Serialize(@event));
    }

    /// <summary>One <c>### Version N</c> section under an event's <c>## EVENT_TYPE</c> heading.</summary>
    private sealed record DocumentedVersion(string EventType, int Version, IReadOnlyList<(string Name, bool Optional)> Fields, string Example)
    {
        public static IReadOnlyList<DocumentedVersion> Parse(string[] lines)
        {
            var sections = new List<DocumentedVersion>();
            string? eventType = null;
            for (var i = 0; i < lines.Length; i++)
            {
                if (EventHeading().Match(lines[i]) is { Success: true } type)
                {
                    eventType = type.Groups[1].Value;
                }
                else if (lines[i].StartsWith("## ", StringComparison.Ordinal))
                {
                    eventType = null;
                }
                else if (eventType is not null && VersionHeading().Match(lines[i]) is { Success: true } version)
                {
                    var end = Array.FindIndex(lines, i + 1, l => l.StartsWith("## ", StringComparison.Ordinal) || l.StartsWith("### ", StringComparison.Ordinal));
                    var body = lines[(i + 1)..(end < 0 ? lines.Length : end)];
                    var fields = body.Select(l => FieldRow().Match(l)).Where(m => m.Success)
                        .Select(m => (m.Groups[1].Value, m.Groups[2].Value.Contains("optional", StringComparison.Ordinal))).ToList();
                    var start = Array.IndexOf(body, "```json");
                    Assert.True(start >= 0 && body[start + 2] == "```", $"{eventType} version {version.Groups[1].Value} has no one-line JSON example.");
                    sections.Add(new(eventType, int.Parse(version.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), fields, body[start + 1]));
                }
            }

            return sections;
        }
    }

    [GeneratedRegex("^## ([A-Z_]+)$")]
    private static partial Regex EventHeading();

    [GeneratedRegex(@"^### Version (\d+)$")]
    private static partial Regex VersionHeading();

    [GeneratedRegex(@"^\| `([a-zA-Z]+)` \| ([^|]+) \|")]
    private static partial Regex FieldRow();
}
