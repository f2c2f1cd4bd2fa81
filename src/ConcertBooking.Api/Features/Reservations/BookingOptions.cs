using System.ComponentModel.DataAnnotations;
using ConcertBooking.Domain.Concerts;

namespace ConcertBooking.Api.Features.Reservations;

public sealed class BookingOptions
{
    public const string SectionName = "Booking";

    /// <summary>How long a held seat waits for payment.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan HoldDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often lapsed holds are released in the background.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Seats one fan may hold or own per concert, for concerts created without their own limit.</summary>
    [Range(1, ConcertSalesPolicy.HighestMaxTicketsPerFan)]
    public int MaxTicketsPerFan { get; set; } = ConcertSalesPolicy.DefaultMaxTicketsPerFan;

    /// <summary>Seed demo concerts and fans on first start.</summary>
    public bool DemoData { get; set; } = true;
}
