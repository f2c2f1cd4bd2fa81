using System.Collections.Concurrent;
using System.Diagnostics;

using ConcertBooking.Infrastructure;
using ConcertBooking.Infrastructure.Persistence;
using ConcertBooking.Messaging.Outbox;
using ConcertBooking.Messaging.Embedded;
using ConcertBooking.Messaging.Hosting;

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

using Xunit.Abstractions;

namespace ConcertBooking.Messaging.Tests;

/// <summary>
/// A process of the system as production composes it (real SQLite, the messaging layer in "external" mode against
/// an embedded cluster the test owns), with the consumer groups a test plugs in. The cluster belongs to the test,
/// not the host, so hosts can come and go on it like processes on a real cluster.
/// </summary>
internal sealed class MessagingTestHost : IAsyncDisposable
{
    private readonly bool _ownsDataDirectory;
    private bool _started;
    private bool _stopped;

    private MessagingTestHost(IHost host, TestLogSink logs, string dataDirectory, bool ownsDataDirectory)
    {
        Host = host;
        Logs = logs;
        DataDirectory = dataDirectory;
        _ownsDataDirectory = ownsDataDirectory;
    }

    public IHost Host { get; }

    public IServiceProvider Services => Host.Services;

    public TestLogSink Logs { get; }

    public string DataDirectory { get; }

    /// <param name="name">Prefixes this host's log lines, to tell hosts apart in a test's output.</param>
    /// <param name="addGroups">Registers the consumer groups this host runs (<see cref="TestGroups.AddTestConsumerGroup"/>).</param>
    /// <param name="relay">Whether the outbox relay role is on.</param>
    /// <param name="settings">Overrides of <see cref="DefaultSettings"/>.</param>
    /// <param name="dataDirectory">Shares a database with another host; a fresh directory (deleted on dispose) otherwise.</param>
    public static MessagingTestHost Create(
        EmbeddedKafkaCluster cluster,
        ITestOutputHelper output,
        string name,
        Action<IServiceCollection>? addGroups = null,
        bool relay = false,
        IReadOnlyDictionary<string, string?>? settings = null,
        string? dataDirectory = null)
    {
        var ownsDataDirectory = dataDirectory is null;
        dataDirectory ??= Directory.CreateTempSubdirectory("concertbooking-messaging-tests-").FullName;

        // Development turns on the container's scope and build validation, so a missing registration fails the
        // start instead of surfacing later on a background thread.
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = Environments.Development,
            ContentRootPath = dataDirectory,

            // The content root is the data directory: a configuration reload watcher would wake on every SQLite write.
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });

        // Only what the test says: no appsettings, environment variables or user secrets of the machine.
        builder.Configuration.Sources.Clear();
        var effective = DefaultSettings(cluster, dataDirectory);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            effective[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(effective);

        var logs = new TestLogSink(output, name);
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);

        builder.AddBookingPersistence();
        builder.AddKafkaMessaging();
        if (relay)
        {
            builder.Services.AddOutboxRelay<BookingDbContext>();
        }

        // The consumer groups a test runs are the ones it registers itself.
        addGroups?.Invoke(builder.Services);

        return new MessagingTestHost(builder.Build(), logs, dataDirectory, ownsDataDirectory);
    }

    public static Dictionary<string, string?> DefaultSettings(EmbeddedKafkaCluster cluster, string dataDirectory) => new()
    {
        // Non-empty bootstrap servers select "external" mode: the code under test connects out, like in production.
        ["Kafka:BootstrapServers"] = cluster.BootstrapServers,
        ["Database:DataDirectory"] = dataDirectory,

        // The mock delays a group's rejoin by about the session timeout and holds every empty fetch for the full
        // fetch wait (see embedded-kafka.md); production values would only make the tests slow.
        ["Kafka:Consumer:SessionTimeoutMs"] = "6000",
        ["Kafka:Consumer:HeartbeatIntervalMs"] = "1000",
        ["Kafka:Consumer:FetchWaitMaxMs"] = "10",

        // The spec's failure policy; tests that do not measure the backoff shorten it.
        ["Kafka:Retry:Attempts"] = "3",
        ["Kafka:Retry:Backoff"] = "00:00:01",
    };

    /// <summary>Starts the host and waits until its Kafka clients may run (topics provisioned).</summary>
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TestClients.Timeout);
        _started = true;
        await Host.StartAsync(timeout.Token);
        await Services.GetRequiredService<KafkaConnection>().WaitReadyAsync(timeout.Token);
    }

    /// <summary>A graceful stop, as on SIGTERM: consumers finish their batch, commit and leave their groups.</summary>
    public async Task StopAsync()
    {
        _stopped = true;
        using var timeout = new CancellationTokenSource(TestClients.Timeout);
        await Host.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_started && !_stopped)
        {
            await StopAsync();
        }

        Host.Dispose();
        if (_ownsDataDirectory)
        {
            // Pooled connections keep the database file open.
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A temp directory left behind is not worth failing a test over.
            }
        }
    }
}

public sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception);

/// <summary>
/// Sends a host's log to the test's output (so a failure shows what the runtime did) and keeps it, so tests can
/// wait for things the runtime only logs, such as partition assignments.
/// </summary>
internal sealed class TestLogSink(ITestOutputHelper output, string hostName) : ILoggerProvider
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public bool Any(Func<LogEntry, bool> predicate) => Entries.Any(predicate);

    public ILogger CreateLogger(string categoryName) => new SinkLogger(this, categoryName);

    public void Dispose()
    {
    }

    private void Write(LogEntry entry)
    {
        Entries.Enqueue(entry);
        var category = entry.Category[(entry.Category.LastIndexOf('.') + 1)..];
        try
        {
            output.WriteLine($"{Clock.Elapsed.TotalSeconds,7:0.000} [{hostName}] {entry.Level} {category}: {entry.Message}"
                + (entry.Exception is null ? "" : $" ({entry.Exception.GetType().Name}: {entry.Exception.Message})"));
        }
        catch (InvalidOperationException)
        {
            // Background work that logs after its test has finished has no output to write to.
        }
    }

    private sealed class SinkLogger(TestLogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Write(new LogEntry(category, logLevel, formatter(state, exception), exception));
    }
}
