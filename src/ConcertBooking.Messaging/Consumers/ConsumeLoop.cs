using ConcertBooking.Contracts;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Messaging.Consumers;

/// <summary>
/// One consumer's life, shaped like Confluent's examples: subscribe, poll a batch, handle it, store its offsets,
/// and let librdkafka commit what is stored (<c>enable.auto.offset.store=false</c>, auto-commit on, which also
/// commits on revocation and on close). An offset is stored only after its batch was handled or dead-lettered, so
/// delivery is at least once and the handlers' idempotency makes the effects exactly once.
/// </summary>
internal sealed partial class ConsumeLoop(
    ConsumerGroupRegistration group,
    KafkaConnection connection,
    BatchProcessor processor,
    IOptions<ConsumerLoopOptions> options,
    ConsumerGroupMonitor monitor,
    UpcastDefaults upcastDefaults,
    TimeProvider clock,
    ConsumerGroupControls controls,
    ILogger<ConsumeLoop> logger)
{
    private readonly PartitionPositions _positions = new();

    /// <summary>Every event from Kafka is read at a schema version this release knows and meets its contract before
    /// a handler acts on it: anyone who can write to a topic can put a record there.</summary>
    private readonly EventReader _reader = new(upcastDefaults, clock);

    public void Run(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        ReadAhead? inFlight = null;
        var lag = monitor.For(group.GroupId);
        var control = controls.For(group);
        using var consumer = new ConsumerBuilder<string?, byte[]?>(connection.ConsumerConfig(group.GroupId))
            .SetPartitionsAssignedHandler((c, partitions) =>
            {
                var committed = c.Committed(partitions, TimeSpan.FromSeconds(10));
                _positions.Assigned(committed);
                lag.Assigned(committed);
                control.Assigned(c.MemberId, partitions);
                LogAssigned(group.GroupId, string.Join(", ", partitions));
            })
            .SetPartitionsRevokedHandler((c, partitions) =>
            {
                // The batch in flight may hold records of these partitions: finish it and store its offsets first,
                // so the commit on revocation hands over exactly what was handled.
                inFlight?.Settle(c);
                _positions.Removed(partitions.Select(p => p.TopicPartition));
                lag.Removed(partitions.Select(p => p.TopicPartition));
                control.Revoked(partitions.Select(p => p.TopicPartition));
                LogRevoked(group.GroupId, string.Join(", ", partitions.Select(p => p.TopicPartition)));
            })
            .SetPartitionsLostHandler((c, partitions) =>
            {
                // Another member owns them already: the batch in flight is finished, and librdkafka refuses to
                // store offsets of partitions this member no longer has.
                inFlight?.Settle(c);
                _positions.Removed(partitions.Select(p => p.TopicPartition));
                lag.Removed(partitions.Select(p => p.TopicPartition));
                control.Revoked(partitions.Select(p => p.TopicPartition));
            })
            .SetLogHandler((_, message) => connection.ClientLog.Write(message))
            .SetErrorHandler((_, error) => connection.ClientLog.Report(group.GroupId, error))
            .Build();

        inFlight = new ReadAhead(processor, lag, settings.OverlapFrom, stoppingToken);
        consumer.Subscribe(group.Topics);
        lag.Started();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var batch = BatchReader.Read(consumer, _positions, settings, TimeSpan.FromMilliseconds(100), _reader);
                if (batch is null)
                {
                    inFlight.Settle(consumer);
                    lag.Idle(consumer);
                    continue;
                }

                lag.Read(batch);
                inFlight.Start(consumer, batch);
            }
        }
        finally
        {
            // Graceful drain: the batch in flight is finished and its offsets stored; Close commits them.
            inFlight.SettleQuietly(consumer, logger, group.GroupId);
            lag.Stopped(error: null);
            consumer.Close();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{GroupId}: assigned {Partitions}")]
    private partial void LogAssigned(string groupId, string partitions);

    [LoggerMessage(Level = LogLevel.Information, Message = "{GroupId}: revoked {Partitions}")]
    private partial void LogRevoked(string groupId, string partitions);
}
