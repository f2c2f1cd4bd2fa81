using System.Text;
using System.Text.Json;
using ConcertBooking.Contracts;
using Confluent.Kafka;

namespace ConcertBooking.Messaging.Consumers;

/// <summary>
/// An event as a consumer group received it: its id and type, where it sat in Kafka, and the event itself. For a
/// record the relay published, id and type come from its headers and the value is decoded the first time a handler
/// asks for <see cref="Event"/>, so the loop's own cost per record stays a small part of consuming it.
/// </summary>
public sealed class ConsumedEvent
{
    private IntegrationEvent? _event;

    // The record's headers, kept for a dead letter. Confluent.Kafka hands each record's headers over as a dozen
    // small objects, and a batch holds a thousand records while the next is read: for the relay's own three headers
    // only the two values that cannot be derived are kept, so the rest dies young.
    private Headers? _headers;
    private byte[]? _eventIdHeader;
    private byte[]? _traceParent;

    // The schema version the record's header announced, if it had one: the value must be of that version.
    private int? _headerVersion;

    /// <summary>An event already decoded (replayed from the outbox or the archive).</summary>
    public ConsumedEvent(IntegrationEvent @event, string topic, int partition, long offset, string? key)
        : this(@event.EventId, @event.EventType, topic, partition, offset, key)
    {
        _event = @event;
    }

    private ConsumedEvent(Guid eventId, string eventType, string topic, int partition, long offset, string? key)
    {
        EventId = eventId;
        EventType = eventType;
        Topic = topic;
        Partition = partition;
        Offset = offset;
        Key = key;
    }

    public Guid EventId { get; }

    public string EventType { get; }

    public DateTimeOffset OccurredAt => Event.OccurredAt;

    public string Topic { get; }

    public int Partition { get; }

    public long Offset { get; }

    public string? Key { get; }

    /// <summary>The record's value exactly as it was on the wire, for groups that keep what they received (an audit
    /// trail must not be a re-serialization that drops fields this version does not know). Empty when the event did
    /// not come from a record.</summary>
    public ReadOnlyMemory<byte> Value { get; init; }

    /// <summary>The record's timestamp (Unix milliseconds), for its dead letter; null when the event did not come
    /// from a record.</summary>
    internal long? TimestampMs { get; init; }

    /// <summary>The event. Throws <see cref="UndecodableEventException"/> when the value is not the event its
    /// headers announce (broken JSON, a missing or mistyped field) or breaks the event's contract (see
    /// <see cref="EventValidation"/>); the runtime then dead-letters the record at once, and no handler acts on it.</summary>
    public IntegrationEvent Event => _event ??= Decode();

    /// <summary>Decodes (upcasting an older schema version) and checks the value against its contract. Set for
    /// records from Kafka, where anyone who can write to a topic can put one.</summary>
    internal EventReader? Reader { get; init; }

    /// <summary>A record whose headers name its event; the value is decoded on demand.</summary>
    internal static ConsumedEvent FromHeaders(
        Guid eventId, string eventType, int? schemaVersion, byte[] value, string topic, int partition, long offset, long timestampMs, string? key,
        Headers headers, EventReader reader) =>
        new(eventId, eventType, topic, partition, offset, key)
        {
            Value = value, TimestampMs = timestampMs, _headers = headers, _headerVersion = schemaVersion, Reader = reader,
        };

    /// <summary>A record with exactly the relay's headers, in the relay's order: only the values that cannot be
    /// derived from the event's id, type and version are kept.</summary>
    internal static ConsumedEvent FromRelayHeaders(
        Guid eventId, string eventType, int? schemaVersion, byte[] value, string topic, int partition, long offset, long timestampMs, string? key,
        byte[] eventIdHeader, byte[] traceParent, EventReader reader) =>
        new(eventId, eventType, topic, partition, offset, key)
        {
            Value = value, TimestampMs = timestampMs, _eventIdHeader = eventIdHeader, _traceParent = traceParent, _headerVersion = schemaVersion,
            Reader = reader,
        };

    /// <summary>A record decoded in full (it did not name its event in headers), with whatever headers it had.</summary>
    internal static ConsumedEvent FromValue(
        IntegrationEvent @event, byte[] value, string topic, int partition, long offset, long timestampMs, string? key, Headers? headers) =>
        new(@event, topic, partition, offset, key) { Value = value, TimestampMs = timestampMs, _headers = headers };

    /// <summary>The headers the record came with, for its dead letter; none for an event replayed from the outbox.</summary>
    internal Headers RecordHeaders()
    {
        if (_headers is not null)
        {
            return _headers;
        }

        if (_eventIdHeader is null || _traceParent is null)
        {
            return [];
        }

        var headers = new Headers
        {
            { KafkaHeaders.EventType, Encoding.ASCII.GetBytes(EventType) },
            { KafkaHeaders.EventId, _eventIdHeader },
            { KafkaHeaders.TraceParent, _traceParent },
        };
        if (_headerVersion is { } version)
        {
            headers.Add(KafkaHeaders.SchemaVersion, SchemaVersionHeader.Encode(version));
        }

        return headers;
    }

    /// <summary>The W3C trace context the record carries (the relay's <c>traceparent</c> header), if any.</summary>
    internal string? TraceParent =>
        _traceParent is not null ? Encoding.ASCII.GetString(_traceParent)
        : _headers?.TryGetLastBytes(KafkaHeaders.TraceParent, out var header) == true ? Encoding.ASCII.GetString(header)
        : null;

    /// <summary>Whether <see cref="Event"/> has been read (and was valid).</summary>
    internal bool IsDecoded => _event is not null;

    internal bool TryDecode(out Exception? error)
    {
        try
        {
            _ = Event;
            error = null;
            return true;
        }
        catch (UndecodableEventException ex)
        {
            error = ex.InnerException ?? ex;
            return false;
        }
    }

    private IntegrationEvent Decode()
    {
        try
        {
            var decoded = Reader!.Decode(Value.Span, out var version);
            if (decoded.EventId != EventId || decoded.EventType != EventType)
            {
                throw new JsonException($"The value is a {decoded.EventType} {decoded.EventId}, not what the headers say.");
            }

            if (_headerVersion is { } announced && announced != version)
            {
                throw new JsonException($"The value is at schema version {version}, the headers say {announced}.");
            }

            Reader.Check(Topic, decoded);
            return decoded;
        }
        catch (JsonException ex)
        {
            throw new UndecodableEventException(this, ex);
        }
    }
}

/// <summary>A record whose headers name an event its value does not hold: poison, dead-lettered without retries,
/// since retrying cannot make it readable.</summary>
internal sealed class UndecodableEventException(ConsumedEvent consumed, JsonException error)
    : Exception($"{consumed.Topic} [{consumed.Partition}] @{consumed.Offset} ({consumed.EventType} {consumed.EventId}) cannot be decoded: {error.Message}", error);

/// <summary>
/// A consumer group's business logic. It gets events in batches (one per poll) so that it can do one database
/// transaction per batch; it must be idempotent, because delivery is at least once.
/// </summary>
public interface IEventBatchHandler
{
    Task HandleAsync(IReadOnlyList<ConsumedEvent> events, CancellationToken cancellationToken);
}
