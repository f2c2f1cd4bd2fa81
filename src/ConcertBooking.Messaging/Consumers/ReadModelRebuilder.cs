using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ConcertBooking.Messaging.Consumers;

/// <summary>
/// A consumer group's read models, for a point-in-time rebuild (seed 5.2): cleared, then fed a replay of the group's
/// events. The rebuild runs in one transaction on <see cref="Db"/>, which also records every replayed event as
/// processed by the group, so the group's live consumer neither repeats nor misses any of them.
/// </summary>
public interface IReadModelRebuilder
{
    /// <summary>The context of the group's read models; it must map the processed-events table.</summary>
    DbContext Db { get; }

    /// <summary>Empties the read models. Runs first in the rebuild's transaction and must keep the group's live
    /// handler out until it commits: SQLite's write lock does that; elsewhere take a lock the handler also takes.</summary>
    Task ResetAsync(CancellationToken cancellationToken);

    /// <summary>Applies replayed events, in any order, without saving (the rebuild saves per chunk). Only state is
    /// rebuilt: a replay must not act again (no second email for an old event).</summary>
    Task ApplyAsync(IReadOnlyList<ConsumedEvent> events, CancellationToken cancellationToken);
}

public static class ReadModelRebuilderRegistration
{
    /// <summary>Makes <paramref name="groupId"/>'s read models rebuildable, keyed by the group.</summary>
    public static IServiceCollection AddReadModelRebuilder<TRebuilder>(this IServiceCollection services, string groupId)
        where TRebuilder : class, IReadModelRebuilder =>
        services.AddKeyedScoped<IReadModelRebuilder, TRebuilder>(groupId);
}
