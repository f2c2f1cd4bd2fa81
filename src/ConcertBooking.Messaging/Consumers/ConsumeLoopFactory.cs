using Microsoft.Extensions.DependencyInjection;

namespace ConcertBooking.Messaging.Consumers;

/// <summary>Builds a group's consume loop and the pieces it is made of.</summary>
internal sealed class ConsumeLoopFactory(IServiceProvider services)
{
    public ConsumeLoop Create(ConsumerGroupRegistration group) =>
        ActivatorUtilities.CreateInstance<ConsumeLoop>(services, group, ActivatorUtilities.CreateInstance<BatchProcessor>(services, group));
}
