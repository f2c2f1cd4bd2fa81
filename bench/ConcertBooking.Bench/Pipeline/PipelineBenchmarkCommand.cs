using ConcertBooking.Bench.Cli;

namespace ConcertBooking.Bench.Pipeline;

/// <summary>The pipeline benchmark as a command of the dispatcher; <see cref="PipelineCommand"/> does the work.</summary>
public sealed class PipelineBenchmarkCommand : ICommand
{
    public string Name => "pipeline";

    public string Summary => "outbox → relay → Kafka → consumer groups: throughput, latency, lagging group (embedded cluster)";

    public string Usage => "pipeline [--events 40000] [--steady-seconds 20] [--lag-events 200000] [--telemetry off|on] [--check-offsets] | pipeline --telemetry-cost [--events 40000]";

    public Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken) =>
        PipelineCommand.RunAsync([.. args]);
}
