using System.Globalization;
using System.Security.Claims;

namespace ConcertBooking.Web;

/// <summary>Who is calling, from the bearer token: the user id in <c>sub</c> (external issuers must put our numeric
/// user id there), the address in <c>email</c>, the roles in <c>role</c>.</summary>
public static class Caller
{
    public const string AdminRole = "admin";

    /// <summary>The authorization policy of operator endpoints: the <see cref="AdminRole"/> role.</summary>
    public const string AdminPolicy = "admin";

    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(AdminRole);

    public static long UserId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue("sub"), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new UnauthorizedAccessException("The token has no numeric 'sub' claim.");

    public static string Email(this ClaimsPrincipal user) =>
        user.FindFirstValue("email") is { Length: > 0 } email
            ? email
            : throw new UnauthorizedAccessException("The token has no 'email' claim, which the waitlist needs to notify the caller.");
}
