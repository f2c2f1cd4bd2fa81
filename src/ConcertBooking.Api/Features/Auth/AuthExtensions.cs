using System.Text;
using ConcertBooking.Web;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ConcertBooking.Api.Features.Auth;

public static class AuthExtensions
{
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
            .AddPolicy(Caller.AdminPolicy, policy => policy.RequireRole(Caller.AdminRole));
        return builder;
    }

}
