using System.Globalization;
using System.Security.Claims;

namespace ConcertBooking.Notifications.Endpoints;

/// <summary>Who is calling, from the bearer token: the user id in <c>sub</c>, the address in <c>email</c>.</summary>
internal static class Caller
{
    public static long UserId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue("sub"), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new UnauthorizedAccessException("The token has no numeric 'sub' claim.");

    public static string Email(this ClaimsPrincipal user) =>
        user.FindFirstValue("email") is { Length: > 0 } email
            ? email
            : throw new UnauthorizedAccessException("The token has no 'email' claim, which the waitlist needs to notify the caller.");
}
