using Confluent.Kafka;
using Confluent.Kafka.Admin;

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Messaging;

/// <summary>What <see cref="KafkaTopicProvisioner.ProvisionAsync"/> found and did.</summary>
public sealed record TopicProvisioningResult(IReadOnlyList<string> Created, IReadOnlyList<string> AlreadyExisting);

/// <summary>
/// Makes sure every topic in <see cref="TopicNames.All"/> exists. Safe to run on every start: existing topics are
/// left as they are, only reported when they have fewer partitions than configured.
/// </summary>
/// <param name="creator">Creates topics on a cluster without the topic admin API (a local mock); null: the
/// admin client's CreateTopics.</param>
public sealed partial class KafkaTopicProvisioner(
    IOptions<KafkaOptions> options,
    string bootstrapServers,
    ILogger<KafkaTopicProvisioner> logger,
    ITopicCreator? creator = null,
    KafkaClientLog? clientLog = null)
{
    private static readonly TimeSpan AdminTimeout = TimeSpan.FromSeconds(15);

    public async Task<TopicProvisioningResult> ProvisionAsync(CancellationToken cancellationToken = default)
    {
        KafkaOptions kafka = options.Value;
        KafkaTopicOptions topicOptions = kafka.Topics;
        if (topicOptions.Partitions < 1 || topicOptions.ReplicationFactor < 1)
        {
            throw new InvalidOperationException(
                $"Kafka:Topics needs at least 1 partition and replication factor 1, got {topicOptions.Partitions} and {topicOptions.ReplicationFactor}.");
        }

        using IAdminClient admin = new AdminClientBuilder(
            kafka.ApplySecurity(new AdminClientConfig { BootstrapServers = bootstrapServers }))
            .SetLogHandler((_, message) => clientLog?.Write(message))
            .Build();

        // All-topics metadata, because asking for named topics can auto-create them with broker defaults.
        Metadata metadata = await Task.Run(() => admin.GetMetadata(AdminTimeout), cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        Dictionary<string, TopicMetadata> existingTopics = metadata.Topics
            .Where(t => t.Error.Code == ErrorCode.NoError)
            .ToDictionary(t => t.Topic, StringComparer.Ordinal);

        List<string> alreadyExisting = [];
        List<string> missing = [];
        foreach (string topic in TopicNames.All)
        {
            if (existingTopics.TryGetValue(topic, out TopicMetadata? existing))
            {
                alreadyExisting.Add(topic);
                if (existing.Partitions.Count < topicOptions.Partitions)
                {
                    // Adding partitions would move keys to other partitions and break per-key ordering, so that
                    // stays a deliberate operator decision.
                    LogFewerPartitions(logger, topic, existing.Partitions.Count, topicOptions.Partitions);
                }
            }
            else
            {
                missing.Add(topic);
            }
        }

        List<string> created = [];
        if (missing.Count > 0)
        {
            IReadOnlyList<string> racedIn = creator is not null
                ? creator.Create(missing, topicOptions, created)
                : await CreateWithAdminClientAsync(admin, missing, topicOptions, created, cancellationToken).ConfigureAwait(false);
            alreadyExisting.AddRange(racedIn);
        }

        LogProvisioned(logger, bootstrapServers, created.Count, alreadyExisting.Count);
        return new TopicProvisioningResult(created, alreadyExisting);
    }

    private async Task<IReadOnlyList<string>> CreateWithAdminClientAsync(
        IAdminClient admin, List<string> topics, KafkaTopicOptions topicOptions, List<string> created, CancellationToken cancellationToken)
    {
        Dictionary<string, string> configs = new()
        {
            ["retention.ms"] = topicOptions.RetentionMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["retention.bytes"] = topicOptions.RetentionBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (topicOptions.ReplicationFactor >= 3)
        {
            // With acks=all, a write then survives the loss of one replica and is refused rather than
            // acknowledged by a lone leader.
            configs["min.insync.replicas"] = "2";
        }

        TopicSpecification[] specifications = topics
            .Select(topic => new TopicSpecification
            {
                Name = topic,
                NumPartitions = topicOptions.Partitions,
                ReplicationFactor = checked((short)topicOptions.ReplicationFactor),
                Configs = new Dictionary<string, string>(configs),
            })
            .ToArray();

        List<string> racedIn = [];
        try
        {
            await admin.CreateTopicsAsync(specifications, new CreateTopicsOptions
                {
                    RequestTimeout = AdminTimeout,
                    OperationTimeout = AdminTimeout,
                })
                .WaitAsync(cancellationToken)
                .ConfigureAwait(false);
            created.AddRange(topics);
        }
        catch (CreateTopicsException e)
        {
            foreach (CreateTopicReport report in e.Results)
            {
                if (report.Error.Code == ErrorCode.NoError)
                {
                    created.Add(report.Topic);
                }
                else if (report.Error.Code == ErrorCode.TopicAlreadyExists)
                {
                    // Another instance starting at the same time got there first.
                    racedIn.Add(report.Topic);
                }
            }

            if (e.Results.Any(r => r.Error.Code is not (ErrorCode.NoError or ErrorCode.TopicAlreadyExists)))
            {
                throw;
            }
        }

        foreach (string topic in created)
        {
            LogCreated(logger, topic, topicOptions.Partitions, topicOptions.ReplicationFactor);
        }

        return racedIn;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Kafka topic {Topic} has {ExistingPartitions} partitions, fewer than the configured {ConfiguredPartitions}; it is left unchanged")]
    private static partial void LogFewerPartitions(ILogger logger, string topic, int existingPartitions, int configuredPartitions);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Created Kafka topic {Topic} with {Partitions} partitions and replication factor {ReplicationFactor}")]
    private static partial void LogCreated(ILogger logger, string topic, int partitions, int replicationFactor);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Kafka topics provisioned on {BootstrapServers}: {CreatedCount} created, {ExistingCount} already existed")]
    private static partial void LogProvisioned(ILogger logger, string bootstrapServers, int createdCount, int existingCount);
}

/// <summary>Creates topics where the admin client cannot: returns the topics that already existed (raced in), adds
/// the created ones to <c>created</c>.</summary>
public interface ITopicCreator
{
    IReadOnlyList<string> Create(IReadOnlyList<string> topics, KafkaTopicOptions options, List<string> created);
}
