using ConcertBooking.Api;
using ConcertBooking.Api.Features.Auth;
using ConcertBooking.Api.Observability;
using ConcertBooking.Api.Startup;
using ConcertBooking.Infrastructure;
using ConcertBooking.Infrastructure.Persistence;
using ConcertBooking.Messaging.Embedded;
using ConcertBooking.Messaging.Hosting;
using ConcertBooking.Messaging.Outbox;
using ConcertBooking.Operations;
using ConcertBooking.Persistence;
using Microsoft.Extensions.Options;

try
{
    // Settings are read once, at startup (they are validated then, and nothing re-reads them). A reload watcher would
    // cover the whole content root, data directory included, and wake on every SQLite write: ~12 % of the CPU at 1,000
    // commits/s in the pipeline benchmark. Given first, so the command line can still turn it back on.
    var migrate = MigrateCommand.Parse(args, out var settings);
    var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. settings]);
    if (migrate is not null)
    {
        MigrateCommand.LogToStandardError(builder);
    }

    var roles = ProcessRoles.Of(builder);

    builder.AddBookingPersistence();
    builder.AddKafkaMessaging();
    builder.AddEmbeddedKafkaUnlessConfigured<BookingDbContext>();
    if (roles.Has(ProcessRoles.Relay))
    {
        builder.Services.AddOutboxRelay<BookingDbContext>();
    }

    builder.AddDownstreamServices();
    builder.AddOperations();
    builder.AddBookingAuth();
    builder.AddBookingApi();
    builder.AddObservability();
    roles.Has(ProcessRoles.Kafka);
    roles.EnsureKnown();

    var app = builder.Build();

    // Every setting is checked, and the port found free, before the database, Kafka or demo data are touched.
    app.Services.GetService<IStartupValidator>()?.Validate();
    if (migrate is not null)
    {
        return await migrate.RunAsync(app.Services, Console.Out, CancellationToken.None);
    }

    if (StartupFailure.RunsAsProcess)
    {
        PortCheck.EnsureFree(app.Configuration["urls"]);
    }

    if (!app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStartup)
    {
        await MigrateCommand.EnsureAppliedAsync(app.Services, CancellationToken.None);
    }

    app.UseBookingApi();
    app.Run();
    return 0;
}
catch (Exception ex) when (StartupFailure.RunsAsProcess && StartupFailure.Describe(ex) is { } reason)
{
    Console.Error.WriteLine(reason);
    return 1;
}

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
