namespace ConcertBooking.Messaging;

public static class TopicNames
{
    /// <summary>Appended to a topic's name to form the topic its unprocessable records are parked in.</summary>
    public const string DeadLetterSuffix = ".DLT";

    public const string ReservationEvents = "reservation-events";
    public const string PaymentEvents = "payment-events";
    public const string ConcertEvents = "concert-events";

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
