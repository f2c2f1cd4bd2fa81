namespace ConcertBooking.Domain.Common;

/// <summary>
/// An aggregate root that records what happened to it. The persistence layer turns these domain events into
/// outbox rows in the same transaction as the state change, so an event exists exactly when its change does.
/// </summary>
public abstract class Entity
{
    private readonly List<IDomainEvent> _domainEvents = [];

    public long Id { get; protected set; }

    public IReadOnlyList<IDomainEvent> DomainEvents => _domainEvents;

    protected void Raise(IDomainEvent domainEvent) => _domainEvents.Add(domainEvent);

    public void ClearDomainEvents() => _domainEvents.Clear();
}

/// <summary>
/// Something that happened in the domain. Events refer to their aggregates rather than copying ids, because
/// database-generated ids exist only once the aggregate is saved.
/// </summary>
public interface IDomainEvent
{
    DateTimeOffset OccurredAt { get; }
}
