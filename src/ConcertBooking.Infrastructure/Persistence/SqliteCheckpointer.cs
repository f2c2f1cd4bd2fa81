using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ConcertBooking.Infrastructure.Persistence;

/// <summary>
/// Copies SQLite's write-ahead log into the database file once a second, beside the writers rather than inside one
/// of their commits (automatic checkpoints are off, see <see cref="SqlitePragmas"/>). PASSIVE never waits for or
/// blocks a writer; whatever it cannot copy yet is copied next time.
/// </summary>
internal sealed partial class SqliteCheckpointer(
    IServiceScopeFactory scopes, DatabaseReadiness database, TimeProvider clock, ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await database.WaitAsync(stoppingToken);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        if (!db.Database.IsSqlite())
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(PASSIVE)", stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogCheckpointFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQLite checkpoint failed; trying again in a second")]
    private partial void LogCheckpointFailed(Exception exception);
}
