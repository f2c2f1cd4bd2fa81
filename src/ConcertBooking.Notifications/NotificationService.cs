using ConcertBooking.Contracts;
using ConcertBooking.Infrastructure;
using ConcertBooking.Messaging.Hosting;
using ConcertBooking.Notifications.Delivery;
using ConcertBooking.Notifications.Endpoints;
using ConcertBooking.Web;
using ConcertBooking.Notifications.Handling;
using ConcertBooking.Notifications.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ConcertBooking.Notifications;

/// <summary>The notification-service (seed 7.5): hold confirmations, receipts and sold-out notices to the waitlist.</summary>
public static class NotificationService
{
    public const string GroupId = "notification-service";

    /// <summary>The service's tables, its endpoints' services and, with <paramref name="runConsumer"/>, its consumer
    /// group in this process.</summary>
    public static IHostApplicationBuilder AddNotificationService(this IHostApplicationBuilder builder, bool runConsumer)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddDbContextPool<NotificationsDbContext>(PersistenceExtensions.UseBookingDatabase);
        services.AddDatabaseSchema<NotificationsDbContext>();
        services.AddScoped<Waitlist>();
        services.AddScoped<NotificationQueries>();

        services.AddOptions<NotificationOptions>()
            .Configure<IConfiguration>((o, configuration) => o.HoldDuration = configuration.GetValue("Booking:HoldDuration", o.HoldDuration));
        services.AddOptions<SmtpOptions>()
            .Bind(builder.Configuration.GetSection(SmtpOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => !o.IsConfigured || MailboxAddress.TryParse(o.From, out _), "Notifications:Smtp:From must be a mail address when Notifications:Smtp:Host is set.")
            .ValidateOnStart();

        // Decided at startup, like the rest of the configuration: with a host, a delivery step after each batch.
        if (builder.Configuration.GetSection(SmtpOptions.SectionName).Get<SmtpOptions>() is { IsConfigured: true })
        {
            services.AddScoped<INotificationSender, SmtpNotificationSender>();
            services.AddScoped<NotificationDelivery>();
            if (runConsumer)
            {
                services.AddHostedService<RedeliverySweeper>();
            }
        }

        services.AddConsumerGroup(GroupId, [Topics.ReservationEvents, Topics.PaymentEvents, Topics.ConcertEvents], runConsumer, (sp, group) =>
            new NotificationGroupHandler(
                new NotificationRecorder(
                    sp.GetRequiredService<NotificationsDbContext>(),
                    group,
                    sp.GetRequiredService<TimeProvider>(),
                    sp.GetRequiredService<IOptions<NotificationOptions>>().Value.HoldDuration),
                sp.GetService<NotificationDelivery>(),
                sp.GetRequiredService<ILogger<NotificationGroupHandler>>()));
        return builder;
    }
}
