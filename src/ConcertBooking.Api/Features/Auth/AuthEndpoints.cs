using ConcertBooking.Api.Http;
using ConcertBooking.Web;
using ConcertBooking.Domain.Users;
using ConcertBooking.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Api.Features.Auth;

public sealed record TokenRequest(string? Email, string? Name);

public sealed record TokenResponse(string AccessToken, long UserId, string[] Roles);

public static class AuthEndpoints
{
    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<IOptions<AuthOptions>>().Value.DevTokens)
        {
            return app;
        }

        app.MapPost("/api/auth/token", IssueToken)
            .WithTags("Auth")
            .WithSummary("Signs in (creating the fan on first use) and returns a bearer token. Demo mode only.")
            .AllowAnonymous()
            .RequireRateLimiting(RateLimits.Tokens);
        return app;
    }

    private static async Task<IResult> IssueToken(
        TokenRequest request, SignIn signIn, CancellationToken cancellationToken)
    {
        var errors = new Validation();
        errors.Require(request.Email, "email", max: 254);
        if (request.Email is { } email && !email.Contains('@', StringComparison.Ordinal))
        {
            errors.Add("email", "email must be an email address.");
        }

        errors.Require(request.Name, "name", max: 100);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        return TypedResults.Ok(await signIn.ExecuteAsync(request.Email!, request.Name!, cancellationToken));
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
