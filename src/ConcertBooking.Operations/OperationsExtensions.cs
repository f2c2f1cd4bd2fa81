using ConcertBooking.Operations.Audit;
using ConcertBooking.Operations.DeadLetters;
using ConcertBooking.Operations.Messages;
using ConcertBooking.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ConcertBooking.Operations;

public static class OperationsExtensions
{
    /// <summary>Its database: <c>ConnectionStrings:Operations</c>, else the booking database.</summary>
    public const string ConnectionName = "Operations";

    /// <summary>What operators use to look at records and steer dead letters, and the audit of what they did.</summary>
    public static IHostApplicationBuilder AddOperations(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddServiceDatabase<OperationsDbContext>(ConnectionName);
        services.AddSingleton<TopicReader>();
        services.AddSingleton<MessageBrowser>();
        services.AddSingleton<MessageTail>();
        services.AddSingleton<DeadLetterReader>();
        services.AddSingleton<Redriver>();
        services.AddScoped<DeadLetterQueries>();
        services.AddScoped<DeadLetterActions>();
        services.AddScoped<AuditLog>();
        return builder;
    }
}
