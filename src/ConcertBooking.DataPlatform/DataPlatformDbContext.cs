using ConcertBooking.DataPlatform.Analytics;
using ConcertBooking.DataPlatform.Archive;
using ConcertBooking.Persistence;
using ConcertBooking.Messaging.Consumers;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.DataPlatform;

/// <summary>The data platform's tables (its own database with <c>ConnectionStrings:DataPlatform</c>, else the booking
/// database): the event archive and the analytics read models.</summary>
public sealed class DataPlatformDbContext(DbContextOptions<DataPlatformDbContext> options) : DbContext(options)
{
    public DbSet<ArchivedEvent> ArchivedEvents => Set<ArchivedEvent>();

    public DbSet<ReservationActivity> ReservationActivity => Set<ReservationActivity>();

    public DbSet<HourlyReservations> HourlyReservations => Set<HourlyReservations>();

    public DbSet<ConcertSale> ConcertSales => Set<ConcertSale>();

    public DbSet<QueueMinute> QueueMinutes => Set<QueueMinute>();

    public DbSet<ProcessedEvent> ProcessedEvents => Set<ProcessedEvent>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        DbConventions.Apply(configurationBuilder, Database);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddProcessedEvents();

        modelBuilder.Entity<ArchivedEvent>(archive =>
        {
            archive.ToTable("EventArchive");
            archive.HasKey(a => a.Sequence);
            archive.HasIndex(a => a.EventId).IsUnique();
            archive.Property(a => a.Topic).HasMaxLength(200);
            archive.Property(a => a.Key).HasMaxLength(200);
            archive.Property(a => a.EventType).HasMaxLength(50);
            archive.HasIndex(a => new { a.ConcertId, a.OccurredAt });
            archive.HasIndex(a => a.ReservationId);
            archive.HasIndex(a => a.OccurredAt);
        });

        modelBuilder.Entity<ReservationActivity>(activity =>
        {
            activity.ToTable("AnalyticsReservations");
            activity.HasKey(a => a.ReservationId);
            activity.Property(a => a.ReservationId).ValueGeneratedNever();
            activity.HasIndex(a => new { a.ConcertId, a.Status });
            activity.HasIndex(a => a.UserId);
        });

        modelBuilder.Entity<HourlyReservations>(hourly =>
        {
            hourly.ToTable("AnalyticsHourlyReservations");
            hourly.HasKey(h => h.HourStart);
        });

        modelBuilder.Entity<ConcertSale>(sale =>
        {
            sale.ToTable("AnalyticsConcertSales");
            sale.HasKey(s => s.ConcertId);
            sale.Property(s => s.ConcertId).ValueGeneratedNever();
            sale.Property(s => s.ConcertName).HasMaxLength(200);
        });

        modelBuilder.Entity<QueueMinute>(minute =>
        {
            minute.ToTable("AnalyticsQueueMinutes");
            minute.HasKey(m => new { m.ConcertId, m.MinuteStart });
        });
    }
}
