using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Operations.Audit;

/// <summary>An audit entry as the API shows it.</summary>
public sealed record AuditView(DateTimeOffset At, string By, string Action, string Target, string Detail);

/// <summary>The operators' audit trail: written in the transaction of the action it records (<see cref="Record"/>), or
/// on its own (<see cref="WriteAsync"/>); read newest first.</summary>
public sealed class AuditLog(OperationsDbContext db, TimeProvider clock)
{
    public const int MaxLimit = 1000;
    private const int MaxDetail = 4000;

    /// <summary>Adds an entry to the context; the caller's save commits it with the action.</summary>
    public void Record(string by, string action, string target, string detail) =>
        db.AuditEntries.Add(new AuditEntry
        {
            At = clock.GetUtcNow(),
            By = by,
            Action = action,
            Target = target.Length > 500 ? target[..499] + "…" : target,
            Detail = detail.Length > MaxDetail ? detail[..(MaxDetail - 1)] + "…" : detail,
        });

    /// <summary>Records an action that has no transaction of its own to join (pausing a group, taking a broker down).</summary>
    public async Task WriteAsync(string by, string action, string target, string detail, CancellationToken cancellationToken)
    {
        Record(by, action, target, detail);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AuditView>> ListAsync(int limit, CancellationToken cancellationToken) =>
        await db.AuditEntries.AsNoTracking()
            .OrderByDescending(e => e.Id)
            .Take(limit)
            .Select(e => new AuditView(e.At, e.By, e.Action, e.Target, e.Detail))
            .ToListAsync(cancellationToken);
}
