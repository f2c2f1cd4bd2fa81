using System.Collections.ObjectModel;
using System.Diagnostics;

namespace ConcertBooking.Pipeline.Tests.Support;

/// <summary>What the in-memory exporter collects: spans end on the consumer groups' threads while the test reads.</summary>
internal sealed class SpanCollection : Collection<Activity>
{
    private readonly Lock _lock = new();

    public List<Activity> Snapshot()
    {
        lock (_lock)
        {
            return [.. Items];
        }
    }

    protected override void InsertItem(int index, Activity item)
    {
        lock (_lock)
        {
            base.InsertItem(index, item);
        }
    }
}
