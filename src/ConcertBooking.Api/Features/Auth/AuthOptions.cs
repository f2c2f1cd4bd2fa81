using System.ComponentModel.DataAnnotations;

namespace ConcertBooking.Api.Features.Auth;

public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>When true the API issues its own tokens at POST /api/auth/token (embedded/demo mode).</summary>
    public bool DevTokens { get; set; } = true;

    public string[] AdminEmails { get; set; } = [];

    /// <summary>External issuer (OpenID Connect authority) used when <see cref="DevTokens"/> is false.</summary>
    public string? Authority { get; set; }

    public string Audience { get; set; } = "concertbooking";

    public string Issuer { get; set; } = "concertbooking-dev";

    /// <summary>HMAC key for dev tokens; at least 32 bytes.</summary>
    [MinLength(32)]
    public string SigningKey { get; set; } = string.Empty;

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);
}
