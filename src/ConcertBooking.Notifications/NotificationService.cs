using ConcertBooking.Contracts;
using ConcertBooking.Messaging.Hosting;
using ConcertBooking.Notifications.Delivery;
using ConcertBooking.Notifications.Endpoints;
using ConcertBooking.Notifications.Handling;
using ConcertBooking.Notifications.Persistence;
using ConcertBooking.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using MimeKit;

namespace ConcertBooking.Notifications;

/// <summary>The notification-service (seed 7.5): hold confirmations, receipts and sold-out notices to the waitlist.</summary>
public static class NotificationService
{
    public const string GroupId = "notification-service";
    public const string Role = "notification";

    /// <summary>Its database: <c>ConnectionStrings:Notifications</c>, else the booking database.</summary>
    public const string ConnectionName = "Notifications";

    /// <summary>The service's tables, its endpoints' services and its consumer group (run here with the
    /// <c>notification</c> role). The composition provides an <see cref="IConcertDirectory"/>.</summary>
    public static IHostApplicationBuilder AddNotificationService(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddServiceDatabase<NotificationsDbContext>(ConnectionName);
        services.AddScoped<Waitlist>();
        services.AddScoped<NotificationQueries>();

        services.AddOptions<SmtpOptions>()
            .Bind(builder.Configuration.GetSection(SmtpOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => !o.IsConfigured || MailboxAddress.TryParse(o.From, out _), "Notifications:Smtp:From must be a mail address when Notifications:Smtp:Host is set.")
            .ValidateOnStart();

        // Decided at startup, like the rest of the configuration: with a host, a delivery step after each batch.
        var mail = builder.Configuration.GetSection(SmtpOptions.SectionName).Get<SmtpOptions>() is { IsConfigured: true };
        if (mail)
        {
            services.AddScoped<INotificationSender, SmtpNotificationSender>();
            services.AddScoped<NotificationDelivery>();
        }

        builder.AddConsumerGroup<NotificationGroupHandler>(GroupId, [Topics.ReservationEvents, Topics.PaymentEvents, Topics.ConcertEvents], Role);
        if (mail && ProcessRoles.Of(builder).Has(Role))
        {
            services.AddHostedService<RedeliverySweeper>();
        }

        return builder;
    }
}
