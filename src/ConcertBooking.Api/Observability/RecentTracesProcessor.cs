using System.Diagnostics;
using ConcertBooking.Messaging.Telemetry;
using OpenTelemetry;

namespace ConcertBooking.Api.Observability;

/// <summary>Hands every recorded span to <see cref="RecentTraces"/> as it ends, beside whatever exporter runs.</summary>
internal sealed class RecentTracesProcessor(RecentTraces store) : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data)
    {
        if (data.Recorded)
        {
            store.Add(data);
        }
    }
}
