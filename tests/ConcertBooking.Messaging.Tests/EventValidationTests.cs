using ConcertBooking.Contracts;

namespace ConcertBooking.Messaging.Tests;

/// <summary>The contract check a consumer runs on every decoded event before any handler sees it.</summary>
public sealed class EventValidationTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Then = Now.AddMinutes(-1);

    private static ReservationCreated Created => new(1, 2, 3, 4, 45_000, "fan@example.com", "Jazz Night")
    {
        OccurredAt = Then,
        ExpiresAt = Then.AddMinutes(5),
    };

    private static PaymentCompleted Paid => new(5, 1, 2, 45_000, "POINTS") { OccurredAt = Then };

    private static ConcertSoldOut SoldOut => new(3, "Jazz Night", Then, Then.AddHours(-1), 100) { OccurredAt = Then };

    private static QueueJoined Joined => new(3, 2, PreQueue: true) { OccurredAt = Then, UserEmail = "fan@example.com" };

    private static FanAdmitted Admitted => new(3, 2, 17, 42.5, Then.AddMinutes(10)) { OccurredAt = Then };

    private static QueueClosed Closed => new(3, "Jazz Night", [2, 5, 9]) { OccurredAt = Then };

    public static TheoryData<IntegrationEvent> ValidEvents => new()
    {
        Joined,
        Joined with { UserEmail = null },
        Admitted,
        Admitted with { WaitedSeconds = 0, AdmittedUntil = Then + EventValidation.MaxAdmissionWindow },
        Closed,
        Closed with { WaitingUserIds = [] },
        Created,
        Created with { Amount = 0 },
        Created with { Amount = EventValidation.MaxAmount },
        new ReservationCancelled(1, 2, 3, 4) { OccurredAt = Then },
        new ReservationExpired(1, 2, 3, 4) { OccurredAt = Then },
        Paid,
        SoldOut,
        SoldOut with { SoldOutTime = SoldOut.BookingStartTime, TotalSeats = EventValidation.MaxSeats },
        Created with { OccurredAt = Now + EventValidation.MaxClockSkew, ExpiresAt = Now + EventValidation.MaxClockSkew + EventValidation.MaxHold },
        Created with { OccurredAt = EventValidation.Epoch, ExpiresAt = EventValidation.Epoch.AddMinutes(5) },
    };

    [Theory]
    [MemberData(nameof(ValidEvents))]
    public void An_event_the_booking_service_could_have_written_is_valid(IntegrationEvent @event) =>
        Assert.Null(EventValidation.Validate(@event.Topic, @event, Now));

    [Theory]
    [MemberData(nameof(ValidEvents))]
    public void A_valid_event_survives_the_wire_and_stays_valid(IntegrationEvent @event)
    {
        var decoded = EventSerializer.Deserialize(EventSerializer.SerializeToUtf8Bytes(@event), UpcastDefaults.Standard);

        Assert.Null(EventValidation.Validate(@event.Topic, decoded, Now));
    }

    public static TheoryData<string, IntegrationEvent, string> WrongTopics => new()
    {
        { Topics.PaymentEvents, Created, "RESERVATION_CREATED belongs on reservation-events, not on payment-events." },
        { Topics.ConcertEvents, new ReservationExpired(1, 2, 3, 4) { OccurredAt = Then }, "RESERVATION_EXPIRED belongs on reservation-events, not on concert-events." },
        { Topics.ReservationEvents, Paid, "PAYMENT_COMPLETED belongs on payment-events, not on reservation-events." },
        { Topics.PaymentEvents, SoldOut, "CONCERT_SOLD_OUT belongs on concert-events, not on payment-events." },
        { Topics.PaymentEvents + ".DLT", Paid, "PAYMENT_COMPLETED belongs on payment-events, not on payment-events.DLT." },
    };

    [Theory]
    [MemberData(nameof(WrongTopics))]
    public void An_event_on_another_types_topic_is_refused(string topic, IntegrationEvent @event, string reason) =>
        Assert.Equal(reason, EventValidation.Validate(topic, @event, Now));

    public static TheoryData<IntegrationEvent, string> Nonsense => new()
    {
        { Created with { ReservationId = 0 }, "reservationId 0 is not a positive id." },
        { Created with { UserId = -1 }, "userId -1 is not a positive id." },
        { Created with { ConcertId = 0 }, "concertId 0 is not a positive id." },
        { Created with { SeatId = long.MinValue }, $"seatId {long.MinValue} is not a positive id." },
        { Created with { Amount = -5 }, "amount -5 is outside 0..100000000." },
        { Created with { Amount = EventValidation.MaxAmount + 1 }, "amount 100000001 is outside 0..100000000." },
        { Created with { UserEmail = " " }, "userEmail is missing." },
        { Created with { UserEmail = "fan.example.com" }, "userEmail is not an email address." },
        { Created with { UserEmail = "a@b@c" }, "userEmail is not an email address." },
        { Created with { UserEmail = "fan\0@example.com" }, "userEmail contains control characters." },
        { Created with { UserEmail = new string('a', 250) + "@x.io" }, "userEmail is longer than 254 characters." },
        { Created with { ConcertName = "" }, "concertName is missing." },
        { Created with { ConcertName = new string('n', 201) }, "concertName is longer than 200 characters." },
        { Created with { EventId = Guid.Empty }, "eventId is empty." },
        { Created with { ExpiresAt = Then }, "expiresAt 2026-12-06T11:59:00.0000000+00:00 is not within 24 h after occurredAt." },
        { Created with { ExpiresAt = Then + EventValidation.MaxHold + TimeSpan.FromTicks(1) }, "expiresAt 2026-12-07T11:59:00.0000001+00:00 is not within 24 h after occurredAt." },
        { Created with { OccurredAt = default }, "occurredAt 0001-01-01T00:00:00.0000000+00:00 is before 2020-01-01." },
        { Created with { OccurredAt = Now + EventValidation.MaxClockSkew + TimeSpan.FromTicks(1) }, "occurredAt 2026-12-06T12:05:00.0000001+00:00 is in the future." },
        { new ReservationCancelled(1, 0, 3, 4) { OccurredAt = Then }, "userId 0 is not a positive id." },
        { new ReservationExpired(-1, 2, 3, 4) { OccurredAt = Then }, "reservationId -1 is not a positive id." },
        { Paid with { PaymentId = 0 }, "paymentId 0 is not a positive id." },
        { Paid with { ReservationId = -7 }, "reservationId -7 is not a positive id." },
        { Paid with { UserId = -1 }, "userId -1 is not a positive id." },
        { Paid with { Amount = -5 }, "amount -5 is outside 0..100000000." },
        { Paid with { Amount = long.MaxValue }, $"amount {long.MaxValue} is outside 0..100000000." },
        { Paid with { PaymentMethod = "CASH" }, "paymentMethod 'CASH' is not one the booking service records." },
        { Paid with { PaymentMethod = "points" }, "paymentMethod 'points' is not one the booking service records." },
        { SoldOut with { ConcertId = 0 }, "concertId 0 is not a positive id." },
        { SoldOut with { TotalSeats = 0 }, "totalSeats 0 is outside 1..100000." },
        { SoldOut with { TotalSeats = EventValidation.MaxSeats + 1 }, "totalSeats 100001 is outside 1..100000." },
        { SoldOut with { ConcertName = "\t" }, "concertName is missing." },
        { SoldOut with { SoldOutTime = SoldOut.BookingStartTime.AddTicks(-1) }, "soldOutTime is before bookingStartTime." },
        { SoldOut with { SoldOutTime = new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero) }, "soldOutTime 9999-12-31T00:00:00.0000000+00:00 is in the future." },
        { SoldOut with { BookingStartTime = new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero) }, "bookingStartTime 0001-01-01T00:00:00.0000000+00:00 is before 2020-01-01." },
        { Joined with { UserId = 0 }, "userId 0 is not a positive id." },
        { Joined with { UserEmail = "nobody" }, "userEmail is not an email address." },
        { Admitted with { Number = 0 }, "number 0 is not a positive id." },
        { Admitted with { WaitedSeconds = -1 }, "waitedSeconds -1 is not a wait that ended at occurredAt." },
        { Admitted with { WaitedSeconds = double.NaN }, "waitedSeconds NaN is not a wait that ended at occurredAt." },
        { Admitted with { AdmittedUntil = Then }, $"admittedUntil {Then:O} is not within 2 h after occurredAt." },
        { Admitted with { AdmittedUntil = Then.AddHours(3) }, $"admittedUntil {Then.AddHours(3):O} is not within 2 h after occurredAt." },
        { Closed with { ConcertName = "" }, "concertName is missing." },
        { Closed with { WaitingUserIds = [2, -4] }, "waitingUserIds holds an id that is not positive." },
        { Closed with { WaitingUserIds = [2, 2] }, "waitingUserIds names a fan twice." },
    };

    [Theory]
    [MemberData(nameof(Nonsense))]
    public void An_event_with_a_value_outside_its_contract_is_refused_with_the_reason(IntegrationEvent @event, string reason) =>
        Assert.Equal(reason, EventValidation.Validate(@event.Topic, @event, Now));

    [Fact]
    public void A_forged_payment_read_from_the_wire_with_nonsense_values_is_refused()
    {
        var json = """
            {"eventType":"PAYMENT_COMPLETED","eventId":"0193a5f0-0000-7000-8000-000000000001","occurredAt":"2026-12-06T11:59:00Z",
             "paymentId":1,"reservationId":1,"userId":-1,"amount":5000000,"paymentMethod":"POINTS"}
            """u8;

        var decoded = EventSerializer.Deserialize(json, UpcastDefaults.Standard);

        Assert.Equal("userId -1 is not a positive id.", EventValidation.Validate(Topics.PaymentEvents, decoded, Now));
    }

    [Fact]
    public void A_long_unknown_payment_method_is_shortened_in_the_reason()
    {
        var reason = EventValidation.Validate(Topics.PaymentEvents, Paid with { PaymentMethod = new string('x', 10_000) }, Now);

        Assert.Equal($"paymentMethod '{new string('x', 20)}…' is not one the booking service records.", reason);
    }
}
