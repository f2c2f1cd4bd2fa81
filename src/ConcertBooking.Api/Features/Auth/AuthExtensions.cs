using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ConcertBooking.Api.Features.Auth;

public static class AuthExtensions
{
    public const string AdminPolicy = "admin";
    public const string AdminRole = "admin";

    public static IHostApplicationBuilder AddBookingAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>()
            .Bind(builder.Configuration.GetSection(AuthOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => !o.DevTokens || o.SigningKey.Length >= 32, "Auth:SigningKey must be at least 32 characters with dev tokens.")
            .Validate(o => o.DevTokens || !string.IsNullOrWhiteSpace(o.Authority), "Auth:Authority is required when Auth:DevTokens=false.")
            .ValidateOnStart();

        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((jwt, auth) =>
            {
                var options = auth.Value;
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters.NameClaimType = "sub";
                jwt.TokenValidationParameters.RoleClaimType = "role";
                jwt.TokenValidationParameters.ValidAudience = options.Audience;
                if (options.DevTokens)
                {
                    jwt.TokenValidationParameters.ValidIssuer = options.Issuer;
                    jwt.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(options.SigningKey));
                }
                else
                {
                    jwt.Authority = options.Authority;
                }
            });

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, policy => policy.RequireRole(AdminRole));
        return builder;
    }

    /// <summary>The caller's user id. External issuers must put our numeric user id in <c>sub</c>.</summary>
    public static long UserId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue("sub"), out var id)
            ? id
            : throw new UnauthorizedAccessException("The token has no numeric 'sub' claim.");

    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(AdminRole);
}
