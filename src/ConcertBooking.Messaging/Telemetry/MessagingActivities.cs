using System.Diagnostics;
using Confluent.Kafka;
using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Messaging.Outbox;

namespace ConcertBooking.Messaging.Telemetry;

/// <summary>
/// The messaging spans: <c>send &lt;topic&gt;</c> (producer) per published outbox row, a child of the request that
/// committed it, whose context then travels in the record's <c>traceparent</c> (per batch for large batches, see
/// <see cref="SendSpans"/>); and <c>process &lt;topic&gt;</c>
/// (consumer) per event and group, a child of that context (per handler call, with links, for large batches). So one booking is one trace: the HTTP request, the send,
/// and each group's handling. Attributes follow OpenTelemetry's messaging conventions. Without a listener (tracing
/// off) <see cref="ActivitySource.HasListeners"/> is false and none of this runs.
/// </summary>
public static class MessagingActivities
{
    public const string SourceName = "ConcertBooking.Messaging";

    private static readonly ActivitySource Source = new(SourceName);

    internal static bool Enabled => Source.HasListeners();

    /// <summary>Starts the span of one row's publishing, parented on the trace the row was committed in. Leaves
    /// <see cref="Activity.Current"/> as it was.</summary>
    internal static Activity? StartSend(OutboxMessage row)
    {
        var ambient = Activity.Current;
        var parent = ActivityContext.TryParse(row.TraceParent, null, isRemote: true, out var context) ? context : default;

        // A row without a trace starts one of its own, not a child of whatever runs the relay.
        Activity.Current = null;
        var span = Source.StartActivity($"send {row.Topic}", ActivityKind.Producer, parent);
        Activity.Current = ambient;
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(MessagingTags.MessagingSystem, MessagingTags.SystemKafka);
            span.SetTag(MessagingTags.OperationName, "send");
            span.SetTag(MessagingTags.OperationType, "send");
            span.SetTag(MessagingTags.DestinationName, row.Topic);
            span.SetTag(MessagingTags.MessageKey, row.Key);
            span.SetTag(MessagingTags.MessageId, row.EventId.ToString());
        }

        return span;
    }

    /// <summary>One span for a batch of rows, linked to (up to <see cref="SpansPerEventUpTo"/> of) their traces.</summary>
    internal static Activity? StartSendBatch(IReadOnlyList<OutboxMessage> rows)
    {
        var links = Links(rows.Select(r => r.TraceParent));

        var topic = rows.All(r => r.Topic == rows[0].Topic) ? rows[0].Topic : null;
        var ambient = Activity.Current;
        Activity.Current = null;
        var span = Source.StartActivity(topic is null ? "send" : $"send {topic}", ActivityKind.Producer, default(ActivityContext), links: links);
        Activity.Current = ambient;
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(MessagingTags.MessagingSystem, MessagingTags.SystemKafka);
            span.SetTag(MessagingTags.OperationName, "send");
            span.SetTag(MessagingTags.OperationType, "send");
            span.SetTag(MessagingTags.DestinationName, topic);
            span.SetTag(MessagingTags.BatchCount, rows.Count);
        }

        return span;
    }

    internal static void Delivered(Activity? span, DeliveryResult<string, byte[]> delivery)
    {
        if (span is null)
        {
            return;
        }

        span.SetTag(MessagingTags.PartitionId, MessagingTags.Partition(delivery.Partition.Value));
        span.SetTag(MessagingTags.Offset, delivery.Offset.Value);
        span.Stop();
    }

    internal static void Failed(Activity? span, Exception error)
    {
        if (span is null)
        {
            return;
        }

        span.SetStatus(ActivityStatusCode.Error, error.Message);
        span.SetTag(MessagingTags.ErrorType, error.GetType().FullName);
        span.Stop();
    }

    /// <summary>Handler calls of up to this many events get a span per event, each in its record's trace; larger ones
    /// (a backlog being drained) one span for the call, linked to the first of these traces, so tracing a backlog
    /// costs a span per batch rather than per event.</summary>
    internal const int SpansPerEventUpTo = 16;

    /// <summary>The spans of a handler call (see <see cref="SpansPerEventUpTo"/>). With a single event the span is
    /// <see cref="Activity.Current"/> for the handler (its logs carry the trace); with several none is.</summary>
    internal static Activity?[]? StartProcess(string groupId, IReadOnlyList<ConsumedEvent> events)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var ambient = Activity.Current;
        Activity?[] spans;
        if (events.Count <= SpansPerEventUpTo)
        {
            spans = new Activity?[events.Count];
            for (var i = 0; i < events.Count; i++)
            {
                var consumed = events[i];
                var parent = ActivityContext.TryParse(consumed.TraceParent, null, isRemote: true, out var context) ? context : default;
                var span = spans[i] = Source.StartActivity($"process {consumed.Topic}", ActivityKind.Consumer, parent);
                if (span is { IsAllDataRequested: true })
                {
                    Describe(span, groupId, consumed.Topic, events.Count);
                    span.SetTag(MessagingTags.PartitionId, MessagingTags.Partition(consumed.Partition));
                    span.SetTag(MessagingTags.MessageKey, consumed.Key);
                    span.SetTag(MessagingTags.Offset, consumed.Offset);
                    span.SetTag(MessagingTags.MessageId, consumed.EventId.ToString());
                }
            }
        }
        else
        {
            spans = [StartBatch(groupId, events)];
        }

        Activity.Current = events.Count == 1 ? spans[0] : ambient;
        return spans;
    }

    private static Activity? StartBatch(string groupId, IReadOnlyList<ConsumedEvent> events)
    {
        var links = Links(events.Select(e => e.TraceParent));

        var topic = events.All(e => e.Topic == events[0].Topic) ? events[0].Topic : null;
        Activity.Current = null;
        var span = Source.StartActivity(topic is null ? "process" : $"process {topic}", ActivityKind.Consumer, default(ActivityContext), links: links);
        if (span is { IsAllDataRequested: true })
        {
            Describe(span, groupId, topic, events.Count);
        }

        return span;
    }

    /// <summary>Links to the first <see cref="SpansPerEventUpTo"/> traces among <paramref name="traceParents"/>.</summary>
    private static List<ActivityLink> Links(IEnumerable<string?> traceParents)
    {
        var links = new List<ActivityLink>(SpansPerEventUpTo);
        foreach (var traceParent in traceParents)
        {
            if (links.Count == SpansPerEventUpTo)
            {
                break;
            }

            if (ActivityContext.TryParse(traceParent, null, isRemote: true, out var context))
            {
                links.Add(new ActivityLink(context));
            }
        }

        return links;
    }

    private static void Describe(Activity span, string groupId, string? topic, int batchCount)
    {
        span.SetTag(MessagingTags.MessagingSystem, MessagingTags.SystemKafka);
        span.SetTag(MessagingTags.OperationName, "process");
        span.SetTag(MessagingTags.OperationType, "process");
        span.SetTag(MessagingTags.DestinationName, topic);
        span.SetTag(MessagingTags.ConsumerGroup, groupId);
        span.SetTag(MessagingTags.BatchCount, batchCount);
    }

    internal static void StopProcess(Activity?[]? spans, Exception? error)
    {
        if (spans is null)
        {
            return;
        }

        foreach (var span in spans)
        {
            if (span is null)
            {
                continue;
            }

            if (error is not null)
            {
                span.SetStatus(ActivityStatusCode.Error, error.Message);
                span.SetTag(MessagingTags.ErrorType, error.GetType().FullName);
            }

            span.Stop();
        }
    }
}
