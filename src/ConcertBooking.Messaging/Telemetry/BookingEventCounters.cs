using System.Diagnostics.Metrics;
using ConcertBooking.Contracts;

namespace ConcertBooking.Messaging.Telemetry;

/// <summary>
/// The booking flow's own counters, counted where every process' outcome passes once: as the relay publishes the
/// committed event (a hold or payment that rolled back never counts). An event published again after a delivery
/// failure counts again, as <c>concertbooking.events.republished</c> does.
/// </summary>
internal sealed class BookingEventCounters(Meter meter)
{
    private readonly Counter<long> _holds = meter.CreateCounter<long>("concertbooking.holds", "{hold}", "Seats held (RESERVATION_CREATED published)");
    private readonly Counter<long> _holdsReleased = meter.CreateCounter<long>("concertbooking.holds.released", "{hold}",
        "Holds that ended without a payment (RESERVATION_CANCELLED or RESERVATION_EXPIRED published), per reason");
    private readonly Counter<long> _payments = meter.CreateCounter<long>("concertbooking.payments", "{payment}", "Payments completed (PAYMENT_COMPLETED published)");
    private readonly Counter<long> _soldOut = meter.CreateCounter<long>("concertbooking.concerts.sold_out", "{concert}", "Concerts sold out (CONCERT_SOLD_OUT published)");

    public void Published(string eventType, int count = 1)
    {
        switch (eventType)
        {
            case EventTypes.ReservationCreated:
                _holds.Add(count);
                break;
            case EventTypes.ReservationCancelled:
                _holdsReleased.Add(count, new KeyValuePair<string, object?>("reason", "cancelled"));
                break;
            case EventTypes.ReservationExpired:
                _holdsReleased.Add(count, new KeyValuePair<string, object?>("reason", "expired"));
                break;
            case EventTypes.PaymentCompleted:
                _payments.Add(count);
                break;
            case EventTypes.ConcertSoldOut:
                _soldOut.Add(count);
                break;
        }
    }
}
