using System.Collections.Concurrent;

using Confluent.Kafka;

using Microsoft.Extensions.Logging;

namespace ConcertBooking.Messaging.Tests;

internal static class TestClients
{
    /// <summary>Upper bound for anything a test waits on; the mock answers in milliseconds, so hitting it means a failure.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public static IProducer<string, string> Producer(string bootstrapServers, Action<ProducerConfig>? configure = null)
    {
        ProducerConfig config = new()
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
            MessageTimeoutMs = (int)Timeout.TotalMilliseconds,
        };
        configure?.Invoke(config);

        // Broker-down tests make librdkafka log connection failures by design; they would only bury real output.
        return new ProducerBuilder<string, string>(config).SetLogHandler(static (_, _) => { }).Build();
    }

    public static IConsumer<string, string> Consumer(string bootstrapServers, string groupId)
    {
        ConsumerConfig config = new()
        {
            BootstrapServers = bootstrapServers,
            GroupId = groupId,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,

            // The mock holds every empty fetch for the full wait and delays rejoins by about the session timeout.
            SessionTimeoutMs = 6000,
            FetchWaitMaxMs = 10,
        };
        return new ConsumerBuilder<string, string>(config).SetLogHandler(static (_, _) => { }).Build();
    }

    public static IAdminClient Admin(string bootstrapServers) =>
        new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers })
            .SetLogHandler(static (_, _) => { })
            .Build();
}

/// <summary>Keeps what was logged, so tests can assert on warnings.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        Entries.Enqueue((logLevel, formatter(state, exception)));
    }
}
