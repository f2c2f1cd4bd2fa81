using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ConcertBooking.Persistence;

/// <summary>
/// PostgreSQL keeps timestamps to the microsecond, .NET to 100 ns. Without this, the time an API response reports
/// (taken from the entity it just saved) could differ by up to 0.9 µs from the same time read back later. Rounding
/// the entity's own values down before they are saved makes both the same.
/// </summary>
internal sealed class MicrosecondTimestamps : SaveChangesInterceptor
{
    public static readonly MicrosecondTimestamps Instance = new();

    private const long TicksPerMicrosecond = TimeSpan.TicksPerMicrosecond;

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Truncate(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Truncate(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private static void Truncate(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified))
            {
                continue;
            }

            foreach (var property in entry.Properties)
            {
                if (property.CurrentValue is DateTimeOffset value && value.Ticks % TicksPerMicrosecond != 0)
                {
                    property.CurrentValue = value.AddTicks(-(value.Ticks % TicksPerMicrosecond));
                }
            }
        }
    }
}
