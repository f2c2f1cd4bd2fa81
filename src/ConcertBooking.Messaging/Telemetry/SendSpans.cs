using System.Diagnostics;
using ConcertBooking.Messaging.Outbox;
using Confluent.Kafka;

namespace ConcertBooking.Messaging.Telemetry;

/// <summary>
/// The <c>send &lt;topic&gt;</c> spans of one relay batch, as the consumer side does it: a batch of up to
/// <see cref="MessagingActivities.SpansPerEventUpTo"/> rows (what a booking's own events make) gets a span per row,
/// whose context the record then carries; a larger one (a backlog being drained) gets one span linked to its rows'
/// traces, and each record carries its row's own context, so its booking is still one trace (HTTP request, then
/// each group's processing). Tracing a drain thus costs a span per batch rather than per event.
/// </summary>
internal sealed class SendSpans
{
    private readonly Activity?[] _spans;
    private readonly bool _perRow;
    private Exception? _failure;

    private SendSpans(Activity?[] spans, bool perRow)
    {
        _spans = spans;
        _perRow = perRow;
    }

    /// <summary>Null while nothing listens (tracing off).</summary>
    public static SendSpans? Start(IReadOnlyList<OutboxMessage> rows)
    {
        if (!MessagingActivities.Enabled || rows.Count == 0)
        {
            return null;
        }

        if (rows.Count <= MessagingActivities.SpansPerEventUpTo)
        {
            var spans = new Activity?[rows.Count];
            for (var i = 0; i < rows.Count; i++)
            {
                spans[i] = MessagingActivities.StartSend(rows[i]);
            }

            return new SendSpans(spans, perRow: true);
        }

        return new SendSpans([MessagingActivities.StartSendBatch(rows)], perRow: false);
    }

    /// <summary>The trace context row <paramref name="index"/>'s record carries: its span's, or (batched) none of
    /// ours, so the row's own applies.</summary>
    public string? TraceParentFor(int index) => _perRow ? _spans[index]?.Id : null;

    public void Delivered(int index, DeliveryResult<string, byte[]> delivery)
    {
        if (_perRow)
        {
            MessagingActivities.Delivered(_spans[index], delivery);
        }
    }

    public void Failed(int index, Exception error)
    {
        if (_perRow)
        {
            MessagingActivities.Failed(_spans[index], error);
        }
        else
        {
            _failure ??= error;
        }
    }

    /// <summary>Ends the batch span once every delivery is in (per-row spans end with their delivery).</summary>
    public void Complete()
    {
        if (_perRow || _spans[0] is not { } batch)
        {
            return;
        }

        if (_failure is not null)
        {
            MessagingActivities.Failed(batch, _failure);
        }
        else
        {
            batch.Stop();
        }
    }
}
