using System.Runtime.CompilerServices;
using Confluent.Kafka;

namespace ConcertBooking.Operations.Messages;

/// <summary>
/// Follows topics from their end as they are now: one consumer per follower, assigned (no group, no commits), fixed
/// at the partitions' high watermarks when it opens, so every record produced after <see cref="OpenAsync"/>
/// returns is seen. Dispose it when the follower leaves.
/// </summary>
public sealed class MessageTail(TopicReader reader)
{
    public Task<TailSession> OpenAsync(IReadOnlyList<string> topics, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            var consumer = reader.CreateConsumer();
            try
            {
                var ends = topics
                    .SelectMany(topic => reader.Partitions(topic).Select(p => new TopicPartition(topic, p)))
                    .Select(tp => new TopicPartitionOffset(tp, consumer.QueryWatermarkOffsets(tp, TopicReader.Timeout).High))
                    .ToList();
                consumer.Assign(ends);
                return new TailSession(consumer);
            }
            catch
            {
                consumer.Dispose();
                throw;
            }
        }, cancellationToken);
}

/// <summary>One follower's consumer.</summary>
public sealed class TailSession(IConsumer<byte[]?, byte[]?> consumer) : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <summary>Records as they arrive; null items mark a quiet poll, so the caller may send a keep-alive.</summary>
    public async IAsyncEnumerable<MessageView?> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var record = await Task.Run(() => consumer.Consume(Poll), cancellationToken);
            yield return record is null ? null : RecordText.View(record);
        }
    }

    public void Dispose()
    {
        consumer.Unassign();
        consumer.Dispose();
    }
}
