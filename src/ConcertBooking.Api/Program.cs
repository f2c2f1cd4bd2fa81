using ConcertBooking.Api;
using ConcertBooking.Api.Features.Auth;
using ConcertBooking.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
builder.AddBookingPersistence();
builder.AddBookingAuth();
builder.AddBookingApi();

var app = builder.Build();
app.UseBookingApi();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
