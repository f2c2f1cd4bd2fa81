using ConcertBooking.Domain.Concerts;
using ConcertBooking.Domain.Payments;
using ConcertBooking.Domain.Reservations;
using ConcertBooking.Domain.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConcertBooking.Infrastructure.Persistence;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> user)
    {
        user.ToTable("Users", t => t.HasCheckConstraint("CK_Users_Balance", "\"Balance\" >= 0"));
        user.Ignore(u => u.DomainEvents);
        user.Property(u => u.Email).HasMaxLength(254);
        user.Property(u => u.Name).HasMaxLength(100);
        user.HasIndex(u => u.Email).IsUnique();
    }
}

internal sealed class ConcertConfiguration : IEntityTypeConfiguration<Concert>
{
    public void Configure(EntityTypeBuilder<Concert> concert)
    {
        concert.ToTable("Concerts");
        concert.Ignore(c => c.DomainEvents);
        concert.Property(c => c.Name).HasMaxLength(200);
        concert.Property(c => c.Venue).HasMaxLength(200);
    }
}

internal sealed class SeatConfiguration : IEntityTypeConfiguration<Seat>
{
    public void Configure(EntityTypeBuilder<Seat> seat)
    {
        seat.ToTable("Seats");
        seat.Property(s => s.Label).HasMaxLength(20);
        seat.Property(s => s.Section).HasMaxLength(50);
        seat.Property(s => s.Version).IsConcurrencyToken();
        seat.HasOne(s => s.Concert).WithMany().HasForeignKey(s => s.ConcertId);
        seat.HasIndex(s => new { s.ConcertId, s.Label }).IsUnique();
        seat.HasIndex(s => new { s.ConcertId, s.Status });
    }
}

internal sealed class ReservationConfiguration : IEntityTypeConfiguration<Reservation>
{
    public void Configure(EntityTypeBuilder<Reservation> reservation)
    {
        reservation.ToTable("Reservations");
        reservation.Ignore(r => r.DomainEvents);
        reservation.Property(r => r.Version).IsConcurrencyToken();
        reservation.HasOne<User>().WithMany().HasForeignKey(r => r.UserId);
        reservation.HasOne<Concert>().WithMany().HasForeignKey(r => r.ConcertId);
        reservation.HasOne<Seat>().WithMany().HasForeignKey(r => r.SeatId);

        // The last line of defence against double booking: whatever the application does, the database admits at
        // most one active reservation per seat.
        reservation.HasIndex(r => r.SeatId)
            .IsUnique()
            .HasFilter("\"Status\" IN ('Held', 'Confirmed')")
            .HasDatabaseName("UX_Reservations_ActiveSeat");
        reservation.HasIndex(r => new { r.UserId, r.CreatedAt });
        reservation.HasIndex(r => new { r.Status, r.ExpiresAt });
    }
}

internal sealed class PaymentConfiguration : IEntityTypeConfiguration<Payment>
{
    public void Configure(EntityTypeBuilder<Payment> payment)
    {
        payment.ToTable("Payments");
        payment.Ignore(p => p.DomainEvents);
        payment.HasOne<Reservation>().WithMany().HasForeignKey(p => p.ReservationId);
        payment.HasIndex(p => p.ReservationId).IsUnique();
    }
}
