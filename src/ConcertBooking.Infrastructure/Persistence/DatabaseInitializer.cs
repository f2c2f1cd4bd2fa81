using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ConcertBooking.Infrastructure.Persistence;

/// <summary>Signals that the schema exists; readiness checks and demo seeding wait on it.</summary>
public sealed class DatabaseReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    public Task WaitAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    internal void MarkReady() => _ready.TrySetResult();
}

/// <summary>Creates the schema before the host starts serving, so the first request never meets a missing table.</summary>
internal sealed class DatabaseInitializer(
    IServiceScopeFactory scopes,
    DatabaseReadiness readiness,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDbContext>();
        var created = await db.Database.EnsureCreatedAsync(cancellationToken);
        logger.LogInformation(
            "Booking database ready ({Provider}, schema {SchemaState})",
            db.Database.ProviderName,
            created ? "created" : "already present");
        readiness.MarkReady();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
