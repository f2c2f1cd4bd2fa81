using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ConcertBooking.Infrastructure.Idempotency;

/// <summary>
/// The stored outcome of a request sent with an Idempotency-Key. It is inserted in the same transaction as the
/// request's effect, so the primary key makes the effect happen once per (user, key), however often it is retried.
/// </summary>
public sealed class IdempotencyRecord
{
    public required long UserId { get; init; }

    public required string Key { get; init; }

    /// <summary>Hash of method, route and body: the same key reused for a different request is refused.</summary>
    public required string RequestHash { get; init; }

    public required int StatusCode { get; init; }

    public required string ResponseBody { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> record)
    {
        record.ToTable("IdempotencyRecords");
        record.HasKey(r => new { r.UserId, r.Key });
        record.Property(r => r.Key).HasMaxLength(200);
        record.Property(r => r.RequestHash).HasMaxLength(64);
        record.HasIndex(r => r.CreatedAt);
    }
}
