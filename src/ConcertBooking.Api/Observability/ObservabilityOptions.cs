using System.ComponentModel.DataAnnotations;

namespace ConcertBooking.Api.Observability;

/// <summary>Metrics and traces of this process (<c>Observability</c> section).</summary>
public sealed class ObservabilityOptions
{
    public const string SectionName = "Observability";

    public MetricsOptions Metrics { get; set; } = new();

    public TracingOptions Tracing { get; set; } = new();

    public sealed class MetricsOptions
    {
        /// <summary>Collect the meters and serve them in Prometheus' text format.</summary>
        public bool Enabled { get; set; } = true;

        [RegularExpression("^/[A-Za-z0-9/_-]*$", ErrorMessage = "Observability:Metrics:Path must be a path such as /metrics.")]
        public string Path { get; set; } = "/metrics";

        /// <summary>Off by default: Prometheus scrapes without a token, and the figures name no fan. On, the scrape
        /// needs an admin's bearer token (Prometheus' <c>authorization</c> setting).</summary>
        public bool RequireAdmin { get; set; }
    }

    public sealed class TracingOptions
    {
        /// <summary>Record spans: kept in memory for the console's recent traces, and sent to the OTLP collector when
        /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Off, no listener is attached and starting a span costs next to
        /// nothing.</summary>
        public bool Enabled { get; set; } = true;

        /// <summary>How many recent traces this process keeps in memory (at most 64 spans each).</summary>
        [Range(0, 100_000)]
        public int RecentTraces { get; set; } = Messaging.Telemetry.RecentTraces.DefaultCapacity;

        /// <summary>Share of new traces recorded; a trace that arrives sampled (or not) keeps its parent's decision.</summary>
        [Range(0.0, 1.0)]
        public double SampleRatio { get; set; } = 1.0;
    }
}
