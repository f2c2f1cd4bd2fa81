using ConcertBooking.Domain.Concerts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConcertBooking.Infrastructure.Persistence;

/// <summary>
/// How many seats of a concert a fan has held or confirmed right now. Every hold raises it with one conditional
/// upsert that refuses to pass the concert's limit, and every cancellation or expiry lowers it, in the same
/// transaction as the reservation's change; concurrent holds of one fan serialize on this row.
/// </summary>
public sealed class FanTicketCount
{
    public long UserId { get; private set; }

    public long ConcertId { get; private set; }

    public int Active { get; private set; }
}

internal sealed class FanTicketCountConfiguration : IEntityTypeConfiguration<FanTicketCount>
{
    public void Configure(EntityTypeBuilder<FanTicketCount> count)
    {
        count.ToTable("FanTicketCounts", t => t.HasCheckConstraint("CK_FanTicketCounts_Active", "\"Active\" >= 0"));
        count.HasKey(c => new { c.UserId, c.ConcertId });
    }
}

internal sealed class ConcertSalesPolicyConfiguration : IEntityTypeConfiguration<ConcertSalesPolicy>
{
    public void Configure(EntityTypeBuilder<ConcertSalesPolicy> policy)
    {
        policy.ToTable("ConcertSalesPolicies");
        policy.HasKey(p => p.ConcertId);
        policy.Property(p => p.ConcertId).ValueGeneratedNever();
        policy.HasOne<Concert>().WithOne().HasForeignKey<ConcertSalesPolicy>(p => p.ConcertId);
    }
}
