using ConcertBooking.Api;
using ConcertBooking.Api.Features.Auth;
using ConcertBooking.Infrastructure;
using ConcertBooking.Messaging.Hosting;

var builder = WebApplication.CreateBuilder(args);
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
