using ConcertBooking.Persistence;
using ConcertBooking.Contracts;
using ConcertBooking.Messaging.Consumers;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Rankings;

/// <summary>Reservations and confirmations of one concert: a row of the booking ranking.</summary>
public sealed class ConcertBookingCount
{
    public required long ConcertId { get; init; }

    public required string ConcertName { get; init; }

    public int Reservations { get; init; }

    public int Confirmed { get; init; }
}

/// <summary>
/// What the ranking knows of one reservation, so a PAYMENT_COMPLETED (which names no concert) can be counted for
/// its concert, and counted only as <see cref="PaymentCrossCheck"/> allows. Any event may come first: a payment
/// seen before its reservation leaves a row without a concert, which the RESERVATION_CREATED completes. The
/// nullable columns are null on rows recorded before they existed.
/// </summary>
public sealed class ReservationProjection
{
    public required long ReservationId { get; init; }

    public long? ConcertId { get; set; }

    public long? HeldUserId { get; set; }

    public long? HeldAmount { get; set; }

    public bool? Ended { get; set; }

    public bool Paid { get; set; }

    public long? PaidUserId { get; set; }

    public long? PaidAmount { get; set; }

    /// <summary>Whether the payment is in the concert's confirmed count.</summary>
    public bool? Counted { get; set; }

    /// <summary>Why the payment is not counted; null when it is, or when there is none.</summary>
    public string? PaymentParkedBecause => Paid
        ? PaymentCrossCheck.ParkedBecause(
            new PaymentCrossCheck.Reservation(ConcertId is not null, HeldUserId, HeldAmount, Ended == true),
            PaidUserId ?? HeldUserId ?? 0,
            PaidAmount ?? HeldAmount ?? 0)
        : null;

    /// <summary>Brings <see cref="Counted"/> in line with what is known now; returns the change to the concert's
    /// confirmed count (+1, 0 or -1).</summary>
    public int Recount()
    {
        // Rows from before Counted was recorded were counted when they had both a concert and a payment.
        var counted = Counted ?? (Paid && ConcertId is not null);
        var counts = Paid && PaymentParkedBecause is null;
        Counted = counts;
        return counts == counted ? 0 : counts ? 1 : -1;
    }
}

/// <summary>A concert that sold out, and how long after booking opened.</summary>
public sealed class SoldOutConcert
{
    public required long ConcertId { get; init; }

    public required string ConcertName { get; init; }

    public required DateTimeOffset BookingStartTime { get; init; }

    public required DateTimeOffset SoldOutTime { get; init; }

    /// <summary>Stored rather than computed so the ranking sorts on an index.</summary>
    public required double SoldOutSeconds { get; init; }
}

public sealed class RankingDbContext(DbContextOptions<RankingDbContext> options) : DbContext(options)
{
    public const string BookingCountsTable = "RankingBookingCounts";

    public DbSet<ConcertBookingCount> BookingCounts => Set<ConcertBookingCount>();

    public DbSet<ReservationProjection> Reservations => Set<ReservationProjection>();

    public DbSet<SoldOutConcert> SoldOutConcerts => Set<SoldOutConcert>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        DbConventions.Apply(configurationBuilder, Database);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddProcessedEvents();

        modelBuilder.Entity<ConcertBookingCount>(count =>
        {
            count.ToTable(BookingCountsTable);
            count.HasKey(c => c.ConcertId);
            count.Property(c => c.ConcertId).ValueGeneratedNever();
            count.Property(c => c.ConcertName).HasMaxLength(200);

            // The ranking's ORDER BY exactly, so the top N is read off the index instead of sorting every concert.
            count.HasIndex(c => new { c.Reservations, c.Confirmed, c.ConcertId })
                .IsDescending(true, true, false)
                .HasDatabaseName("IX_RankingBookingCounts_Rank");
        });

        modelBuilder.Entity<ReservationProjection>(reservation =>
        {
            reservation.ToTable("RankingReservations");
            reservation.HasKey(r => r.ReservationId);
            reservation.Property(r => r.ReservationId).ValueGeneratedNever();
        });

        modelBuilder.Entity<SoldOutConcert>(soldOut =>
        {
            soldOut.ToTable("RankingSoldOutConcerts");
            soldOut.HasKey(s => s.ConcertId);
            soldOut.Property(s => s.ConcertId).ValueGeneratedNever();
            soldOut.Property(s => s.ConcertName).HasMaxLength(200);
            soldOut.HasIndex(s => new { s.SoldOutSeconds, s.ConcertId }).HasDatabaseName("IX_RankingSoldOutConcerts_Rank");
        });
    }
}
