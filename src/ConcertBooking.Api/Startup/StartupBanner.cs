using ConcertBooking.Api.DemoData;
using ConcertBooking.Api.Features.Auth;
using ConcertBooking.Api.Features.Reservations;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Api.Startup;

/// <summary>
/// Once the server listens, says where to go next: the web app, the API reference, the operators' console (when this
/// build has one) and, in demo mode, who to sign in as. The framework's own lines ("Hosting environment: ...") stay
/// above it; this line says what the environment means for sign-in.
/// </summary>
internal sealed partial class StartupBanner(
    IServer server,
    IHostApplicationLifetime lifetime,
    EndpointDataSource endpoints,
    IHostEnvironment environment,
    IOptions<AuthOptions> auth,
    IOptions<BookingOptions> booking,
    ILogger<StartupBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Print);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Print()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()?.TrimEnd('/');
        if (address is null)
        {
            return;
        }

        var console = HasRoute("/ops") ? $", operators' console {address}/ops" : "";
        LogWhereToGo(address, console);
        if (!auth.Value.DevTokens)
        {
            LogSignIn(environment.EnvironmentName, auth.Value.Authority ?? "");
            return;
        }

        var mode = environment.IsDevelopment()
            ? "demo mode (Development): anyone can sign in as anyone"
            : $"demo sign-in allowed on purpose in {environment.EnvironmentName} (Auth:AllowInsecureDevTokens): anyone can sign in as anyone";
        var accounts = booking.Value.DemoData
            ? string.Join(", ", DemoDataSeeder.Fans.Select(f => f.Points > 0 ? $"{f.Email} ({f.Points:N0} points)" : f.Email))
            : "none seeded (Booking:DemoData=false); any email creates a fan";
        LogDemo(mode, accounts, string.Join(", ", auth.Value.AdminEmails));
    }

    private bool HasRoute(string prefix) =>
        endpoints.Endpoints.OfType<RouteEndpoint>().Any(e => ("/" + e.RoutePattern.RawText?.TrimStart('/')).StartsWith(prefix, StringComparison.OrdinalIgnoreCase));

    [LoggerMessage(Level = LogLevel.Information, Message = "ConcertBooking is up: web app {Address}/, API reference {Address}/scalar{Console}")]
    private partial void LogWhereToGo(string address, string console);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Mode}; demo accounts: {Accounts}; admins: {Admins}")]
    private partial void LogDemo(string mode, string accounts, string admins);

    [LoggerMessage(Level = LogLevel.Information, Message = "Environment {Environment}: sign-in through {Authority}")]
    private partial void LogSignIn(string environment, string authority);
}
