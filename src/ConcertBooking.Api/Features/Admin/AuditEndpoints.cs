using ConcertBooking.Api.Features.Auth;
using ConcertBooking.Operations.Audit;
using ConcertBooking.Web;

namespace ConcertBooking.Api.Features.Admin;

/// <summary>The operators' audit trail: who did what, when.</summary>
public static class AuditEndpoints
{
    private const int DefaultLimit = 100;

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/admin/audit", List)
            .WithTags("Admin")
            .WithSummary($"Operator actions, newest first: [{{at, by, action, target, detail}}] (limit 1..{AuditLog.MaxLimit}, default {DefaultLimit}).")
            .RequireAuthorization(Caller.AdminPolicy);
        return app;
    }

    private static async Task<IResult> List(int? limit, AuditLog audit, CancellationToken ct)
    {
        if (limit is < 1 or > AuditLog.MaxLimit)
        {
            return Problems.Invalid("limit", $"limit must be between 1 and {AuditLog.MaxLimit}.");
        }

        return TypedResults.Ok(await audit.ListAsync(limit ?? DefaultLimit, ct));
    }
}
