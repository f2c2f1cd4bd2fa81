using ConcertBooking.Api.Http;
using ConcertBooking.Web;
using ConcertBooking.Domain.Users;
using ConcertBooking.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Api.Features.Auth;

public sealed record TokenRequest(string? Email, string? Name);

public sealed record TokenResponse(string AccessToken, long UserId, string[] Roles);

/// <summary>How fans sign in here, for pages to show a warning banner while anyone can sign in as anyone.</summary>
/// <param name="DemoSignIn">POST /api/auth/token issues tokens for any email.</param>
/// <param name="Insecure">Demo sign-in outside the Development environment (Auth:AllowInsecureDevTokens).</param>
public sealed record SignInMode(bool DemoSignIn, bool Insecure);

public static class AuthEndpoints
{
    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<AuthOptions>>().Value;
        var mode = new SignInMode(options.DevTokens, options.IsInsecure(app.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment()));
        app.MapGet("/api/auth/mode", () => mode)
            .WithTags("Auth")
            .WithSummary("Whether demo sign-in is on (anyone can sign in as anyone), and whether it is on outside Development.")
            .AllowAnonymous();
        if (!options.DevTokens)
        {
            return app;
        }

        app.MapPost("/api/auth/token", IssueToken)
            .WithTags("Auth")
            .WithSummary("Signs in (creating the fan on first use) and returns a bearer token. Demo mode only: the email is trimmed, NFKC-folded and lower-cased, and must be a plain ASCII address.")
            .AllowAnonymous()
            .RequireRateLimiting(RateLimits.Tokens);
        return app;
    }

    private static async Task<IResult> IssueToken(
        TokenRequest request, SignIn signIn, CancellationToken cancellationToken)
    {
        var errors = new Validation();
        if (!EmailAddress.TryNormalize(request.Email, out var email, out var emailError))
        {
            errors.Add("email", emailError);
        }

        errors.Require(request.Name, "name", max: 100);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        return TypedResults.Ok(await signIn.ExecuteAsync(email, request.Name!, cancellationToken));
    }
}

/// <summary>Finds or creates the fan by email and issues a token.</summary>
public sealed class SignIn(BookingDbContext db, TokenIssuer tokens, TimeProvider clock)
{
    public async Task<TokenResponse> ExecuteAsync(string email, string name, CancellationToken cancellationToken)
    {
        var normalized = User.NormalizeEmail(email);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Email == normalized, cancellationToken);
        if (user is null)
        {
            user = new User(normalized, name, clock.GetUtcNow());
            db.Users.Add(user);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException ex) when (ex.IsUniqueViolation())
            {
                // Two first sign-ins with one email at once: the other one created the user.
                db.ChangeTracker.Clear();
                user = await db.Users.FirstAsync(u => u.Email == normalized, cancellationToken);
            }
        }

        var roles = tokens.RolesFor(user);
        return new TokenResponse(tokens.Issue(user, roles), user.Id, roles);
    }
}
