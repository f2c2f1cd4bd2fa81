using ConcertBooking.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConcertBooking.Infrastructure.Outbox;

/// <summary>
/// Which process may publish the outbox. One publisher at a time keeps the commit order per key, and a lease rather
/// than a lock means a crashed publisher is replaced once its lease runs out.
/// </summary>
public sealed class OutboxLease
{
    public required string Name { get; init; }

    public required string Owner { get; set; }

    public required DateTimeOffset ExpiresAt { get; set; }
}

internal sealed class OutboxLeaseConfiguration : IEntityTypeConfiguration<OutboxLease>
{
    public void Configure(EntityTypeBuilder<OutboxLease> lease)
    {
        lease.ToTable("OutboxLeases");
        lease.HasKey(l => l.Name);
        lease.Property(l => l.Name).HasMaxLength(50);
        lease.Property(l => l.Owner).HasMaxLength(200);
    }
}

public static class OutboxLeases
{
    /// <summary>Takes or renews the named lease for <paramref name="owner"/>; false while another owner holds it.</summary>
    public static async Task<bool> TryAcquireAsync(
        this BookingDbContext db, string name, string owner, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken)
    {
        var expiresAt = now + duration;
        int taken;
        using (await SqliteWriteGate.EnterAsync(db, cancellationToken))
        {
            taken = await db.Set<OutboxLease>()
                .Where(l => l.Name == name && (l.Owner == owner || l.ExpiresAt < now))
                .ExecuteUpdateAsync(l => l.SetProperty(x => x.Owner, owner).SetProperty(x => x.ExpiresAt, expiresAt), cancellationToken);
        }

        if (taken == 1)
        {
            return true;
        }

        if (await db.Set<OutboxLease>().AnyAsync(l => l.Name == name, cancellationToken))
        {
            return false;
        }

        db.Set<OutboxLease>().Add(new OutboxLease { Name = name, Owner = owner, ExpiresAt = expiresAt });
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
