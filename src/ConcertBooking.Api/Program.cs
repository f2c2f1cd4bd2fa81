using ConcertBooking.Api;
using ConcertBooking.Api.Features.Auth;
using ConcertBooking.Infrastructure;
using ConcertBooking.Messaging.Hosting;

// Settings are read once, at startup (they are validated then, and nothing re-reads them). A reload watcher would
// cover the whole content root, data directory included, and wake on every SQLite write: ~12 % of the CPU at 1,000
// commits/s in the pipeline benchmark. Given first, so the command line can still turn it back on.
var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);
var roles = MessagingRoles.Parse(builder.Configuration["roles"]);

builder.AddBookingPersistence();
builder.AddKafkaMessaging(roles);
builder.AddDownstreamServices(roles);
builder.AddBookingAuth();
builder.AddBookingApi(roles);

var app = builder.Build();
app.UseBookingApi(roles);
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
