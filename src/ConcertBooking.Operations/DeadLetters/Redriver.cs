using System.Text;
using ConcertBooking.Messaging;
using Confluent.Kafka;

namespace ConcertBooking.Operations.DeadLetters;

/// <summary>
/// Puts dead letters back on their original topics: same key, value and headers (<c>eventId</c>, <c>eventType</c>,
/// <c>traceparent</c>), without the failure headers, plus <c>dlt.redriven.from</c>. Every group reading the topic
/// gets the copy: the group that failed handles it, the groups that had handled it skip it by <c>eventId</c>. A
/// record several groups parked sits on the dead-letter topic once per group, but goes back once.
/// </summary>
public sealed class Redriver(KafkaConnection connection) : IDisposable
{
    private readonly Lazy<IProducer<byte[]?, byte[]?>> _producer =
        new(() => new ProducerBuilder<byte[]?, byte[]?>(connection.ProducerConfig()).Build());

    /// <summary>Publishes one copy per failed event and waits until Kafka has them all; returns how many.</summary>
    public async Task<int> RedriveAsync(IReadOnlyList<DeadLetterRecord> records, CancellationToken cancellationToken)
    {
        var copies = records
            .GroupBy(r => (Topic: Destination(r), Identity: r.EventId ?? Origin(r)))
            .Select(g => g.First())
            .ToList();
        var deliveries = copies.Select(r => _producer.Value.ProduceAsync(Destination(r), Copy(r), cancellationToken));
        await Task.WhenAll(deliveries);
        return copies.Count;
    }

    /// <summary>The failed record's place, which every group's letter of it names; the letter's own place when unknown.</summary>
    private static string Origin(DeadLetterRecord record) =>
        record.Failure is { OriginalPartition: { } partition, OriginalOffset: { } offset } ? $"{partition}/{offset}" : record.Position;

    /// <summary>The event topic whose dead-letter topic holds the record. Not the header's word for it: anyone who can
    /// write a dead-letter topic could name any topic there.</summary>
    private static string Destination(DeadLetterRecord record) => record.View.Topic[..^TopicNames.DeadLetterSuffix.Length];

    private static Message<byte[]?, byte[]?> Copy(DeadLetterRecord record)
    {
        var headers = new Headers();
        foreach (var header in record.Message.Headers ?? [])
        {
            if (!header.Key.StartsWith(KafkaHeaders.DeadLetterPrefix, StringComparison.Ordinal)
                && !header.Key.StartsWith(KafkaHeaders.SpringDeadLetterPrefix, StringComparison.Ordinal))
            {
                headers.Add(header.Key, header.GetValueBytes());
            }
        }

        headers.Add(KafkaHeaders.RedrivenFrom, Encoding.UTF8.GetBytes(record.Position));
        return new Message<byte[]?, byte[]?> { Key = record.Message.Key, Value = record.Message.Value, Headers = headers };
    }

    public void Dispose()
    {
        if (_producer.IsValueCreated)
        {
            _producer.Value.Flush(TimeSpan.FromSeconds(5));
            _producer.Value.Dispose();
        }
    }
}
