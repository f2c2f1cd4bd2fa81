using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ConcertBooking.Contracts;

namespace ConcertBooking.Messaging.Consumers;

/// <summary>
/// How the consumer runtime turns a record's value into an event a handler may act on: decoded at any schema
/// version this release reads (the previous one upcast with <see cref="Defaults"/>), then checked against its
/// contract with the runtime's clock. Anyone who can write to a topic can put a record there.
/// </summary>
internal sealed class EventReader(UpcastDefaults defaults, TimeProvider clock)
{
    public UpcastDefaults Defaults => defaults;

    /// <summary>Throws <see cref="JsonException"/> when the value is not an event of a version this release reads.</summary>
    public IntegrationEvent Decode(ReadOnlySpan<byte> value, out int schemaVersion) =>
        EventSerializer.Deserialize(value, defaults, out schemaVersion);

    /// <summary>Throws <see cref="JsonException"/> with the reason when <paramref name="event"/>, read from
    /// <paramref name="topic"/>, breaks its contract (see <see cref="EventValidation"/>).</summary>
    public void Check(string topic, IntegrationEvent @event)
    {
        if (EventValidation.Validate(topic, @event, clock.GetUtcNow()) is { } broken)
        {
            throw new JsonException($"Invalid {@event.EventType}: {broken}");
        }
    }
}

/// <summary>The <c>schemaVersion</c> header: a decimal number in ASCII.</summary>
internal static class SchemaVersionHeader
{
    private static readonly byte[][] Small = [.. Enumerable.Range(0, 10).Select(v => Encoding.ASCII.GetBytes(v.ToString(CultureInfo.InvariantCulture)))];

    public static byte[] Encode(int version) =>
        version is >= 0 and < 10 ? Small[version] : Encoding.ASCII.GetBytes(version.ToString(CultureInfo.InvariantCulture));

    public static int? Decode(ReadOnlySpan<byte> header) =>
        Utf8Parser.TryParse(header, out int version, out var consumed) && consumed == header.Length ? version : null;
}
