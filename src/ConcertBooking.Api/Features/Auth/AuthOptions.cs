namespace ConcertBooking.Api.Features.Auth;

public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>The signing key shipped in appsettings.json. Anyone can read it, so anyone can sign tokens with it.</summary>
    public const string PublishedSigningKey = "dev-only-signing-key-replace-me-in-any-real-deployment";

    /// <summary>When true the API issues its own tokens at POST /api/auth/token to whoever asks (demo mode). Allowed
    /// in the Development environment only, unless <see cref="AllowInsecureDevTokens"/> says otherwise.</summary>
    public bool DevTokens { get; set; }

    /// <summary>The operator's explicit consent to dev tokens (or the published signing key) outside Development.</summary>
    public bool AllowInsecureDevTokens { get; set; }

    public string[] AdminEmails { get; set; } = [];

    /// <summary>External issuer (OpenID Connect authority) used when <see cref="DevTokens"/> is false.</summary>
    public string? Authority { get; set; }

    /// <summary>An <c>http://</c> authority lets anyone on the path swap its signing keys; allowed only when this is false.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public string Audience { get; set; } = "concertbooking";

    public string Issuer { get; set; } = "concertbooking-dev";

    /// <summary>HMAC key for dev tokens, at least 32 bytes; unused (and not needed) with an external authority.</summary>
    public string SigningKey { get; set; } = string.Empty;

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Dev tokens outside Development: anyone who can reach the API may become admin.</summary>
    public bool IsInsecure(bool development) => DevTokens && !development;

    public bool UsesPublishedKey => string.Equals(SigningKey, PublishedSigningKey, StringComparison.Ordinal);
}
