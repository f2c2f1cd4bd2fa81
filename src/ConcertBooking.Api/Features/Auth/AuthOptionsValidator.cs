using System.Text;
using ConcertBooking.Domain.Users;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Api.Features.Auth;

/// <summary>Refuses, at startup, every sign-in setup in which a stranger could mint a token the API accepts.</summary>
internal sealed class AuthOptionsValidator(IHostEnvironment environment) : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (options.DevTokens)
        {
            if (Encoding.UTF8.GetByteCount(options.SigningKey) < 32)
            {
                failures.Add("Auth:SigningKey must be at least 32 bytes with dev tokens.");
            }

            if (!environment.IsDevelopment() && !options.AllowInsecureDevTokens)
            {
                failures.Add(
                    $"Auth:DevTokens lets anyone sign in as anyone, admin included, and the environment is {environment.EnvironmentName}, not Development. " +
                    "Set Auth:DevTokens=false with Auth:Authority (your identity provider), run in Development for a demo, " +
                    "or set Auth:AllowInsecureDevTokens=true to accept the risk.");
            }
        }
        else if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority))
        {
            failures.Add("Auth:Authority (an absolute https URL of your identity provider) is required when Auth:DevTokens=false.");
        }
        else if (authority.Scheme != Uri.UriSchemeHttps && options.RequireHttpsMetadata)
        {
            failures.Add($"Auth:Authority {authority} is not https: its signing keys could be swapped in transit. Use https, or set Auth:RequireHttpsMetadata=false on purpose.");
        }

        foreach (var admin in options.AdminEmails)
        {
            if (!EmailAddress.TryNormalize(admin, out _, out var error))
            {
                failures.Add($"Auth:AdminEmails: '{admin}': {error}");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
