using System.Security.Claims;

namespace ConcertBooking.Api.Features.Admin;

/// <summary>Who an operator is, for the audit trail: the token's email, else its subject.</summary>
internal static class Operator
{
    public static string Of(ClaimsPrincipal user) =>
        user.FindFirstValue("email") is { Length: > 0 } email ? email
        : user.FindFirstValue("sub") is { Length: > 0 } sub ? $"user {sub}"
        : "unknown";
}
