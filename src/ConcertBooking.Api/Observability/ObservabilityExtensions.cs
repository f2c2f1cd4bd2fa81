using System.Diagnostics.Metrics;
using ConcertBooking.Messaging;
using ConcertBooking.Messaging.Hosting;
using ConcertBooking.Messaging.Telemetry;
using ConcertBooking.Web;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ConcertBooking.Api.Observability;

/// <summary>
/// OpenTelemetry for the process: our meters, ASP.NET Core's, HttpClient's and the runtime's, served to Prometheus at
/// <c>GET /metrics</c>; traces from the HTTP request through the outbox to every group's handling. Both also go to an
/// OTLP collector when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter reads the standard <c>OTEL_*</c>
/// variables).
/// </summary>
public static class ObservabilityExtensions
{
    /// <summary>The meters of this system; what the process serves besides the framework's own.</summary>
    public static readonly string[] Meters = [MessagingMetrics.MeterName, WaitlistGauge.MeterName];

    public static IHostApplicationBuilder AddObservability(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ObservabilityOptions>()
            .Bind(builder.Configuration.GetSection(ObservabilityOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var options = builder.Configuration.GetSection(ObservabilityOptions.SectionName).Get<ObservabilityOptions>() ?? new();
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var tracing = options.Tracing.Enabled;

        // Always there for the console to inject; empty while tracing is off.
        var recentTraces = new RecentTraces(Math.Max(1, options.Tracing.RecentTraces));
        builder.Services.AddSingleton(recentTraces);
        if (!options.Metrics.Enabled && !tracing)
        {
            return builder;
        }

        if (options.Metrics.Enabled && ProcessRoles.Of(builder).Has(ProcessRoles.Api))
        {
            builder.Services.AddSingleton<WaitlistGauge>();
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName));
        if (options.Metrics.Enabled)
        {
            telemetry.WithMetrics(metrics =>
            {
                ConfigureMetrics(metrics);
                metrics.AddPrometheusExporter();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        }

        if (tracing)
        {
            telemetry.WithTracing(traces =>
            {
                ConfigureTracing(traces, options.Tracing.SampleRatio);
                traces.AddAspNetCoreInstrumentation(o => o.Filter = http => !IsOperatorProbe(http.Request.Path, options));
                if (options.Tracing.RecentTraces > 0)
                {
                    traces.AddRecentTraces(recentTraces);
                }
                if (otlp)
                {
                    traces.AddOtlpExporter();
                }
            });
        }

        return builder;
    }

    /// <summary>What every process of the system collects, whatever it exports to (the benchmark reuses it).</summary>
    public static MeterProviderBuilder ConfigureMetrics(MeterProviderBuilder metrics)
    {
        metrics.AddMeter(Meters)
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation()
            .AddRuntimeInstrumentation();
        return metrics is IDeferredMeterProviderBuilder deferred
            ? deferred.Configure((services, builder) => builder.AddView(OnlyThisHost(services.GetRequiredService<IMeterFactory>())))
            : metrics;
    }

    /// <summary>A meter is found by its name process-wide, so a process running several hosts (the tests, the
    /// benchmarks) would report every host's figures under one name, another host's consumer lag included. Meters made
    /// by another host's <see cref="IMeterFactory"/> are dropped; meters of no host (the runtime's) are kept.</summary>
    private static Func<Instrument, MetricStreamConfiguration?> OnlyThisHost(IMeterFactory factory) =>
        instrument => instrument.Meter.Scope is IMeterFactory other && !ReferenceEquals(other, factory) ? MetricStreamConfiguration.Drop : null;

    /// <summary>The messaging spans and outgoing HTTP calls, sampled by <paramref name="sampleRatio"/> at the root.</summary>
    public static TracerProviderBuilder ConfigureTracing(TracerProviderBuilder traces, double sampleRatio) =>
        traces.AddSource(MessagingActivities.SourceName)
            .AddHttpClientInstrumentation()
            .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(sampleRatio)));

    /// <summary>Keeps every recorded span in <paramref name="store"/> as it ends.</summary>
    public static TracerProviderBuilder AddRecentTraces(this TracerProviderBuilder traces, RecentTraces store) =>
        traces.AddProcessor(new RecentTracesProcessor(store));

    /// <summary><c>GET /metrics</c> (or the configured path), anonymous unless <c>Observability:Metrics:RequireAdmin</c>;
    /// <c>GET /api/admin/traces</c>.</summary>
    public static IEndpointRouteBuilder MapObservability(this IEndpointRouteBuilder app)
    {
        app.MapTraces();
        var options = app.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ObservabilityOptions>>().Value.Metrics;
        if (!options.Enabled)
        {
            return app;
        }

        // Its instrument exists once it is built.
        app.ServiceProvider.GetService<WaitlistGauge>();
        var scrape = app.MapPrometheusScrapingEndpoint(options.Path);
        if (options.RequireAdmin)
        {
            scrape.RequireAuthorization(Caller.AdminPolicy);
        }
        else
        {
            scrape.AllowAnonymous();
        }

        return app;
    }

    // Scrapes, health probes and the console reading traces say nothing about bookings: no trace for them, so they
    // do not push the bookings' traces out of the recent ones.
    private static bool IsOperatorProbe(PathString path, ObservabilityOptions options) =>
        path.StartsWithSegments(options.Metrics.Path) || path.StartsWithSegments("/health") || path.StartsWithSegments("/api/admin/traces");
}
