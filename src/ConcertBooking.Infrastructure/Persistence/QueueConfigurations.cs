using ConcertBooking.Domain.Concerts;
using ConcertBooking.Domain.Queues;
using ConcertBooking.Domain.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConcertBooking.Infrastructure.Persistence;

internal sealed class ConcertQueueConfiguration : IEntityTypeConfiguration<ConcertQueue>
{
    public void Configure(EntityTypeBuilder<ConcertQueue> queue)
    {
        queue.ToTable("ConcertQueues");
        queue.HasKey(q => q.ConcertId);
        queue.Property(q => q.ConcertId).ValueGeneratedNever();
        queue.Ignore(q => q.AdmissionWindow);
        queue.HasOne<Concert>().WithOne().HasForeignKey<ConcertQueue>(q => q.ConcertId);
    }
}

internal sealed class QueueEntryConfiguration : IEntityTypeConfiguration<QueueEntry>
{
    public void Configure(EntityTypeBuilder<QueueEntry> entry)
    {
        entry.ToTable("QueueEntries");
        entry.HasOne<ConcertQueue>().WithMany().HasForeignKey(e => e.ConcertId);
        entry.HasOne<User>().WithMany().HasForeignKey(e => e.UserId);
        entry.HasIndex(e => new { e.ConcertId, e.UserId }).IsUnique();
        entry.HasIndex(e => new { e.ConcertId, e.Number }).IsUnique().HasFilter("\"Number\" IS NOT NULL");
        entry.HasIndex(e => new { e.ConcertId, e.Status, e.Number });
    }
}
