using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConcertBooking.Persistence;

/// <summary>
/// Which process does a piece of work that must run in one process at a time (publishing the outbox, which keeps
/// the commit order per key; sweeping undelivered mail). A lease rather than a lock means a crashed holder is
/// replaced once its lease runs out.
/// </summary>
public sealed class Lease
{
    public required string Name { get; init; }

    public required string Owner { get; set; }

    public required DateTimeOffset ExpiresAt { get; set; }
}

internal sealed class LeaseConfiguration : IEntityTypeConfiguration<Lease>
{
    public void Configure(EntityTypeBuilder<Lease> lease)
    {
        // Named for its first use; every lease of the system lives here.
        lease.ToTable("OutboxLeases");
        lease.HasKey(l => l.Name);
        lease.Property(l => l.Name).HasMaxLength(50);
        lease.Property(l => l.Owner).HasMaxLength(200);
    }
}

public static class Leases
{
    /// <summary>Maps the leases table into a context.</summary>
    public static ModelBuilder AddLeases(this ModelBuilder modelBuilder)
    {
        new LeaseConfiguration().Configure(modelBuilder.Entity<Lease>());
        return modelBuilder;
    }

    /// <summary>Takes or renews the named lease for <paramref name="owner"/>; false while another owner holds it.</summary>
    public static async Task<bool> TryAcquireAsync(
        this DbContext db, string name, string owner, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken)
    {
        var expiresAt = now + duration;
        int taken;
        using (await SqliteWriteGate.EnterAsync(db, cancellationToken))
        {
            taken = await db.Set<Lease>()
                .Where(l => l.Name == name && (l.Owner == owner || l.ExpiresAt < now))
                .ExecuteUpdateAsync(l => l.SetProperty(x => x.Owner, owner).SetProperty(x => x.ExpiresAt, expiresAt), cancellationToken);
        }

        if (taken == 1)
        {
            return true;
        }

        if (await db.Set<Lease>().AnyAsync(l => l.Name == name, cancellationToken))
        {
            return false;
        }

        db.Set<Lease>().Add(new Lease { Name = name, Owner = owner, ExpiresAt = expiresAt });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }
}
