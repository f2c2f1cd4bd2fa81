using System.Security.Claims;
using System.Text;
using ConcertBooking.Domain.Users;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ConcertBooking.Web;

namespace ConcertBooking.Api.Features.Auth;

public sealed class TokenIssuer(IOptions<AuthOptions> options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new();

    public string[] RolesFor(User user) =>
        options.Value.AdminEmails.Any(e => string.Equals(User.NormalizeEmail(e), user.Email, StringComparison.Ordinal))
            ? [Caller.AdminRole, "fan"]
            : ["fan"];

    public string Issue(User user, string[] roles)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var claims = new List<Claim>
        {
            new("sub", user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("email", user.Email),
            new("name", user.Name),
        };
        claims.AddRange(roles.Select(r => new Claim("role", r)));

        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + settings.TokenLifetime,
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(settings.SigningKey)), SecurityAlgorithms.HmacSha256),
        });
    }
}
