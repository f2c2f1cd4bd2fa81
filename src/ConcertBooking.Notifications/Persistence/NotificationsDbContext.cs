using ConcertBooking.Persistence;
using ConcertBooking.Messaging.Consumers;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Notifications.Persistence;

/// <summary>The notification service's own tables (its own database with <c>ConnectionStrings:Notifications</c>,
/// else the booking database), with the processed-event records they are written with and the sweeper's lease.</summary>
public sealed class NotificationsDbContext(DbContextOptions<NotificationsDbContext> options) : DbContext(options)
{
    public DbSet<Notification> Notifications => Set<Notification>();

    public DbSet<WaitlistEntry> WaitlistEntries => Set<WaitlistEntry>();

    public DbSet<ReservationProjection> Reservations => Set<ReservationProjection>();

    public DbSet<QueueWaiter> QueueWaiters => Set<QueueWaiter>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        DbConventions.Apply(configurationBuilder, Database);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddProcessedEvents().AddLeases();

        modelBuilder.Entity<Notification>(notification =>
        {
            notification.ToTable("Notifications");
            notification.Property(n => n.Type).HasMaxLength(30);
            notification.Property(n => n.Email).HasMaxLength(254);
            notification.Property(n => n.Subject).HasMaxLength(300);
            notification.HasIndex(n => new { n.EventId, n.UserId }).IsUnique();
            notification.HasIndex(n => new { n.UserId, n.CreatedAt });
        });

        modelBuilder.Entity<WaitlistEntry>(entry =>
        {
            entry.ToTable("WaitlistEntries");
            entry.HasKey(w => new { w.ConcertId, w.UserId });
            entry.Property(w => w.Email).HasMaxLength(254);
            entry.Property(w => w.ConcertName).HasMaxLength(200);
            entry.HasIndex(w => new { w.UserId, w.JoinedAt });
        });

        modelBuilder.Entity<QueueWaiter>(waiter =>
        {
            waiter.ToTable("NotificationQueueWaiters");
            waiter.HasKey(w => new { w.ConcertId, w.UserId });
            waiter.Property(w => w.Email).HasMaxLength(254);
        });

        modelBuilder.Entity<ReservationProjection>(reservation =>
        {
            reservation.ToTable("NotificationReservations");
            reservation.HasKey(r => r.ReservationId);
            reservation.Property(r => r.ReservationId).ValueGeneratedNever();
            reservation.Property(r => r.Email).HasMaxLength(254);
            reservation.Property(r => r.ConcertName).HasMaxLength(200);
            reservation.Property(r => r.PaymentMethod).HasMaxLength(20);
            reservation.Ignore(r => r.ReceiptDue);
        });
    }
}
