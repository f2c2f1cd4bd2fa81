using ConcertBooking.Messaging.Consumers;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Pipeline.Tests.Support;

/// <summary>The processed-events table of the booking database, where every group keeps its records unless it has a
/// database of its own.</summary>
public sealed class ProcessedEventsDbContext(DbContextOptions<ProcessedEventsDbContext> options) : DbContext(options)
{
    public DbSet<ProcessedEvent> ProcessedEvents => Set<ProcessedEvent>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        DbConventions.Apply(configurationBuilder, Database);

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddProcessedEvents();
}
