using ConcertBooking.Notifications.Persistence;
using ConcertBooking.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Notifications.Delivery;

/// <summary>
/// Mails notifications that were stored but never sent. The group sends right after storing, so this only finds
/// what a crash between the two left behind, or what a mail server refused for longer than the retry budget (the
/// event then sits on the dead-letter topic, but its notification is sent once the server is back). One process at
/// a time sweeps (a lease in the service's database), so several notification processes do not mail the same one.
/// </summary>
internal sealed partial class RedeliverySweeper(
    IServiceScopeFactory scopes,
    DatabaseReadiness database,
    IOptions<SmtpOptions> options,
    TimeProvider clock,
    ILogger<RedeliverySweeper> logger) : PeriodicDatabaseWork(database, clock, logger)
{
    private const string LeaseName = "notification-redelivery";
    private const int BatchLimit = 500;
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override TimeSpan Interval => options.Value.RedeliveryInterval;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var now = Clock.GetUtcNow();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        if (!await db.TryAcquireAsync(LeaseName, _owner, now, settings.RedeliveryInterval * 3, cancellationToken))
        {
            return;
        }

        var delivery = scope.ServiceProvider.GetRequiredService<NotificationDelivery>();
        var sent = await delivery.DeliverOverdueAsync(now - settings.RedeliverAfter, BatchLimit, cancellationToken);
        if (sent > 0)
        {
            LogRedelivered(sent);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mailed {Count} notifications that were stored but never sent")]
    private partial void LogRedelivered(int count);
}
