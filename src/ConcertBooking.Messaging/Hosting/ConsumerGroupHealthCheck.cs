using ConcertBooking.Messaging.Consumers;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ConcertBooking.Messaging.Hosting;

/// <summary>One consumer group of this process: healthy while its loop runs; degraded (still ready: the loop
/// restarts by itself) while it recovers from a failure. Reports its lag and last error either way.</summary>
internal sealed class ConsumerGroupHealthCheck(ConsumerGroupMonitor monitor, string groupId) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var state = monitor.Find(groupId);
        var data = new Dictionary<string, object>
        {
            ["running"] = state?.Running ?? false,
            ["lag"] = state?.Lag ?? 0,
            ["lagSeconds"] = Math.Round(state?.LagSeconds ?? 0, 3),
            ["partitions"] = state?.Partitions.Count ?? 0,
        };
        if (state?.LastError is { } error)
        {
            data["lastError"] = error;
            data["lastErrorAt"] = state.LastErrorAt!.Value;
        }

        return Task.FromResult(state switch
        {
            { Running: true } => HealthCheckResult.Healthy($"{groupId} is consuming", data),
            null => HealthCheckResult.Degraded($"{groupId} has not started consuming yet", data: data),
            _ => HealthCheckResult.Degraded($"{groupId} is restarting its consumer", data: data),
        });
    }
}
