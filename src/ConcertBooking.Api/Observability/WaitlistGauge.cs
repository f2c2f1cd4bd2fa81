using System.Diagnostics.Metrics;
using ConcertBooking.Domain.Queues;
using ConcertBooking.Infrastructure.Persistence;

namespace ConcertBooking.Api.Observability;

/// <summary>
/// <c>concertbooking.waitlist.size</c>: fans in every concert's waiting room who are still waiting for their turn.
/// Read from the database when a collector asks, at most every few seconds, so a scrape storm cannot turn into a
/// query storm; nothing is reported before the schema exists.
/// </summary>
public sealed class WaitlistGauge : IDisposable
{
    public const string MeterName = "ConcertBooking.Booking";
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private readonly Meter _meter;
    private readonly IServiceScopeFactory _scopes;
    private readonly DatabaseReadiness _readiness;
    private readonly TimeProvider _clock;
    private readonly Lock _lock = new();
    private long _readAt;
    private int? _waiting;

    public WaitlistGauge(IMeterFactory meters, IServiceScopeFactory scopes, DatabaseReadiness readiness, TimeProvider clock)
    {
        (_scopes, _readiness, _clock) = (scopes, readiness, clock);
        _meter = meters.Create(MeterName);
        _meter.CreateObservableGauge("concertbooking.waitlist.size", Observe, "{fan}",
            "Fans waiting in a concert's waiting room (all concerts), read at most every 5 s");
    }

    public void Dispose() => _meter.Dispose();

    private int? Count()
    {
        try
        {
            using var scope = _scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
            return db.QueueEntries.Count(e => e.Status == QueueEntryStatus.Waiting);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
        {
            return null;
        }
    }

    private IEnumerable<Measurement<int>> Observe()
    {
        if (!_readiness.IsReady)
        {
            return [];
        }

        lock (_lock)
        {
            if (_waiting is null || _clock.GetElapsedTime(_readAt) >= MaxAge)
            {
                // A collection callback is synchronous; the count uses the (ConcertId, Status, Number) index.
                _waiting = Count();
                _readAt = _clock.GetTimestamp();
            }

            // A database that does not answer leaves a gap in the series rather than a stale figure.
            return _waiting is { } waiting ? [new Measurement<int>(waiting)] : [];
        }
    }
}
