using ConcertBooking.Infrastructure.Persistence;
using ConcertBooking.Messaging.Outbox;
using ConcertBooking.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ConcertBooking.Infrastructure;

public static class PersistenceExtensions
{
    /// <summary>The booking database (<c>ConnectionStrings:Booking</c>; SQLite under the data directory by default)
    /// with its outbox, whose commits wake the relay.</summary>
    public static IHostApplicationBuilder AddBookingPersistence(this IHostApplicationBuilder builder)
    {
        builder.AddDatabases();
        builder.Services.AddOutbox(builder.Configuration);
        builder.Services.AddServiceDatabase<BookingDbContext>(DatabaseExtensions.DefaultConnection, (services, db) => db.UseOutboxSignal(services));
        return builder;
    }
}
