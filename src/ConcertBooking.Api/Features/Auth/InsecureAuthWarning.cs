using Microsoft.Extensions.Options;

namespace ConcertBooking.Api.Features.Auth;

/// <summary>Says, at every start, when anyone can sign in as anyone: the operator chose it, and the log should show it.</summary>
internal sealed partial class InsecureAuthWarning(
    IOptions<AuthOptions> options, IHostEnvironment environment, ILogger<InsecureAuthWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var auth = options.Value;
        if (auth.IsInsecure(environment.IsDevelopment()))
        {
            LogInsecure(environment.EnvironmentName, auth.UsesPublishedKey ? "the published signing key from appsettings.json" : "a configured signing key");
        }
        else if (auth.DevTokens)
        {
            LogDemo();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "INSECURE: demo sign-in is on in {Environment} (Auth:DevTokens, with {Key}): anyone can get a token for any email, admins included, and the published key lets anyone sign their own. Use an identity provider (Auth:DevTokens=false, Auth:Authority) for real users")]
    private partial void LogInsecure(string environment, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo sign-in is on (Development): POST /api/auth/token issues a token for any email")]
    private partial void LogDemo();
}
