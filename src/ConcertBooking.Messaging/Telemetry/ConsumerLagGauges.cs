using System.Diagnostics.Metrics;
using ConcertBooking.Messaging.Consumers;

namespace ConcertBooking.Messaging.Telemetry;

/// <summary>
/// The lag of every group this process runs, per topic and partition, read from <see cref="ConsumerGroupMonitor"/>
/// when a collector asks (a scrape): in records, and in seconds as the age of the oldest unhandled record. Also
/// whether each group's consume loop runs.
/// </summary>
internal static class ConsumerLagGauges
{
    public static void Register(Meter meter, ConsumerGroupMonitor monitor)
    {
        meter.CreateObservableGauge("concertbooking.consumer.lag",
            () => Observe(monitor, p => p.Records), "{message}",
            "Records of an assigned partition the group has not handled yet (the high watermark from the last fetch)");
        meter.CreateObservableGauge("concertbooking.consumer.lag.age",
            () => Observe(monitor, p => p.Seconds), "s",
            "Age of the oldest record of an assigned partition the group has not handled yet (0 when caught up)");
        meter.CreateObservableGauge("concertbooking.consumer.running",
            () => monitor.Snapshot().Select(g => new Measurement<int>(g.Running ? 1 : 0, MessagingMetrics.GroupTag(g.GroupId))),
            description: "1 while the group's consume loop runs in this process, 0 while it restarts after a failure");
    }

    private static IEnumerable<Measurement<T>> Observe<T>(ConsumerGroupMonitor monitor, Func<PartitionLag, T> value)
        where T : struct
    {
        foreach (var group in monitor.Snapshot())
        {
            foreach (var partition in group.Partitions)
            {
                yield return new Measurement<T>(value(partition), MessagingMetrics.Tags("receive", partition.Topic, group.GroupId, partition.Partition));
            }
        }
    }
}
