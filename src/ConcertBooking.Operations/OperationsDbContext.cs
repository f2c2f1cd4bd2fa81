using ConcertBooking.Operations.Audit;
using ConcertBooking.Operations.DeadLetters;
using ConcertBooking.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Operations;

/// <summary>The operators' tables (<c>ConnectionStrings:Operations</c>, else the booking database): what was done
/// with each dead letter, and the audit trail.</summary>
public sealed class OperationsDbContext(DbContextOptions<OperationsDbContext> options) : DbContext(options)
{
    public DbSet<DeadLetterMark> DeadLetterMarks => Set<DeadLetterMark>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        DbConventions.Apply(configurationBuilder, Database);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<DeadLetterMark>(mark =>
        {
            mark.ToTable("DeadLetterMarks");
            mark.Property(m => m.Topic).HasMaxLength(249);
            mark.Property(m => m.By).HasMaxLength(254);

            // One decision per record: two operators acting on the same dead letter at once cannot both win.
            mark.HasIndex(m => new { m.Topic, m.Partition, m.Offset, m.TimestampMs }).IsUnique();
        });

        modelBuilder.Entity<AuditEntry>(entry =>
        {
            entry.ToTable("OperatorAudit");
            entry.Property(e => e.By).HasMaxLength(254);
            entry.Property(e => e.Action).HasMaxLength(50);
            entry.Property(e => e.Target).HasMaxLength(500);
            entry.Property(e => e.Detail).HasMaxLength(4000);
        });
    }
}
