using ConcertBooking.Contracts;

namespace ConcertBooking.Messaging;

public static class TopicNames
{
    /// <summary>Appended to a topic's name to form the topic its unprocessable records are parked in.</summary>
    public const string DeadLetterSuffix = ".DLT";

    public const string ReservationEvents = Topics.ReservationEvents;
    public const string PaymentEvents = Topics.PaymentEvents;
    public const string ConcertEvents = Topics.ConcertEvents;

    public const string ReservationEventsDeadLetter = ReservationEvents + DeadLetterSuffix;
    public const string PaymentEventsDeadLetter = PaymentEvents + DeadLetterSuffix;
    public const string ConcertEventsDeadLetter = ConcertEvents + DeadLetterSuffix;

    /// <summary>Every topic the system relies on, which is what <see cref="KafkaTopicProvisioner"/> creates.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        ReservationEvents,
        PaymentEvents,
        ConcertEvents,
        ReservationEventsDeadLetter,
        PaymentEventsDeadLetter,
        ConcertEventsDeadLetter,
    ];

    public static string DeadLetterFor(string topic)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        return topic + DeadLetterSuffix;
    }
}
