using ConcertBooking.Api.Observability;
using ConcertBooking.DataPlatform;
using ConcertBooking.Infrastructure;
using ConcertBooking.Infrastructure.Persistence;
using ConcertBooking.Messaging.Outbox;
using ConcertBooking.Messaging;
using ConcertBooking.Messaging.Embedded;
using ConcertBooking.Messaging.Hosting;
using ConcertBooking.Messaging.Telemetry;
using ConcertBooking.Notifications;
using ConcertBooking.Rankings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ConcertBooking.Bench.Pipeline;

/// <summary>What one benchmark process runs: the relay and/or some consumer groups.</summary>
internal sealed record HostRoles(bool Relay = false, bool Notification = false, bool Ranking = false, bool DataPlatform = false)
{
    public Action<IHostApplicationBuilder>? ExtraGroups { get; init; }
}

/// <summary>
/// A process of the system as production composes it (real SQLite in the bench's data directory, messaging in
/// "external" mode against the bench's embedded cluster), like the tests' MessagingTestHost. The three services
/// are always declared, so their tables exist; they only consume where the roles say so.
/// </summary>
internal sealed class BenchHost(IHost host) : IAsyncDisposable
{
    public IServiceProvider Services => host.Services;

    /// <summary>The SQLite durability every host of the run uses (<c>--sqlite-synchronous</c>; the product's default, FULL,
    /// unless the run says otherwise).</summary>
    public static SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Full;

    /// <summary>Metrics and traces as the application collects them (<c>--telemetry on</c>): our meters and the runtime's
    /// aggregated for a Prometheus exporter, and every span recorded into the recent traces. Off, nothing listens.</summary>
    public static bool Telemetry { get; set; }

    /// <summary>Settings of every host of the run beyond the bench's own (the telemetry-cost rounds shorten the relay lease).</summary>
    public static Dictionary<string, string?> Settings { get; } = [];

    public static BenchHost Create(string bootstrapServers, string dataDirectory, HostRoles roles)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = Environments.Production,
            ContentRootPath = dataDirectory,

            // The content root is the data directory: a configuration reload watcher would wake on every SQLite write.
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = bootstrapServers,
            ["Database:DataDirectory"] = dataDirectory,
            ["Database:Sqlite:Synchronous"] = Synchronous.ToString(),

            // The mock holds every fetch for the full wait even when data arrives meanwhile (a real broker answers
            // as soon as fetch.min.bytes is met); 5 ms removes that artefact. It also delays a group's rejoin by
            // about the session timeout.
            ["Kafka:Consumer:FetchWaitMaxMs"] = "5",
            ["Kafka:Consumer:SessionTimeoutMs"] = "6000",
            ["Kafka:Consumer:HeartbeatIntervalMs"] = "1000",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:ConcertBooking.Notifications"] = "Warning",
        });
        builder.Configuration.AddInMemoryCollection(Settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));

        builder.Configuration["roles"] = string.Join(",", new[]
        {
            roles.Relay ? ProcessRoles.Relay : null,
            roles.Notification ? NotificationService.Role : null,
            roles.Ranking ? RankingService.Role : null,
            roles.DataPlatform ? DataPlatformService.Role : null,
            PipelineCommand.NoopRole,
        }.OfType<string>());

        builder.AddBookingPersistence();
        builder.AddKafkaMessaging();

        // The benchmark's cluster is the mock, which drops unread records past 5 MiB a partition (row 6).
        builder.Services.AddOutboxGapRepair<BookingDbContext>();
        if (roles.Relay)
        {
            builder.Services.AddOutboxRelay<BookingDbContext>();
        }

        builder.AddNotificationService();
        builder.AddRankingService();
        builder.AddDataPlatformService();
        roles.ExtraGroups?.Invoke(builder);
        if (Telemetry)
        {
            builder.Services.AddOpenTelemetry()
                .WithMetrics(metrics => ObservabilityExtensions.ConfigureMetrics(metrics).AddPrometheusExporter())
                .WithTracing(traces => ObservabilityExtensions.ConfigureTracing(traces, sampleRatio: 1.0).AddRecentTraces(new RecentTraces()));
        }

        return new BenchHost(builder.Build());
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await host.StartAsync(cancellationToken);
        await Services.GetRequiredService<KafkaConnection>().WaitReadyAsync(cancellationToken);
    }

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await host.StopAsync(timeout.Token);
        }
        finally
        {
            host.Dispose();
        }
    }
}
