using ConcertBooking.Domain.Common;
using ConcertBooking.Domain.Concerts;
using ConcertBooking.Domain.Payments;
using ConcertBooking.Domain.Queues;
using ConcertBooking.Domain.Reservations;
using ConcertBooking.Domain.Users;
using ConcertBooking.Infrastructure.Idempotency;
using ConcertBooking.Messaging.Outbox;
using ConcertBooking.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Infrastructure.Persistence;

public sealed class BookingDbContext(DbContextOptions<BookingDbContext> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();

    public DbSet<Concert> Concerts => Set<Concert>();

    public DbSet<Seat> Seats => Set<Seat>();

    public DbSet<Reservation> Reservations => Set<Reservation>();

    public DbSet<Payment> Payments => Set<Payment>();

    public DbSet<ConcertSalesPolicy> ConcertSalesPolicies => Set<ConcertSalesPolicy>();

    public DbSet<FanTicketCount> FanTicketCounts => Set<FanTicketCount>();

    public DbSet<ConcertQueue> ConcertQueues => Set<ConcertQueue>();

    public DbSet<QueueEntry> QueueEntries => Set<QueueEntry>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();

    /// <summary>
    /// Saves the changes and, in the same transaction, one outbox row per domain event the saved aggregates raised.
    /// Events are written after the first save because they carry database-generated ids.
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        // A save outside a transaction is a write transaction of its own: it queues like the others rather than
        // sleeping in SQLite's busy handler (up to 100 ms a try) while another writer holds the lock.
        using var writeTurn = Database.CurrentTransaction is null ? await SqliteWriteGate.EnterAsync(this, cancellationToken) : null;
        if (!ChangeTracker.Entries<Entity>().Any(e => e.Entity.DomainEvents.Count > 0))
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        var ownTransaction = Database.CurrentTransaction is null
            ? await Database.BeginTransactionAsync(cancellationToken)
            : null;
        try
        {
            var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);

            var raisers = ChangeTracker.Entries<Entity>().Select(e => e.Entity).Where(e => e.DomainEvents.Count > 0).ToList();
            foreach (var raiser in raisers)
            {
                foreach (var domainEvent in raiser.DomainEvents)
                {
                    OutboxMessages.Add(OutboxMessage.From(DomainEventMapper.ToIntegrationEvent(domainEvent)));
                }

                raiser.ClearDomainEvents();
            }

            written += await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            if (ownTransaction is not null)
            {
                await ownTransaction.CommitAsync(cancellationToken);
            }

            return written;
        }
        finally
        {
            if (ownTransaction is not null)
            {
                await ownTransaction.DisposeAsync();
            }
        }
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        DbConventions.Apply(configurationBuilder, Database);

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(BookingDbContext).Assembly).AddOutbox();
}
