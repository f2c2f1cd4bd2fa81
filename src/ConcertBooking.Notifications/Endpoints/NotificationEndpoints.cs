using ConcertBooking.Web;
using System.Security.Claims;
using ConcertBooking.Domain.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ConcertBooking.Notifications.Endpoints;

public static class NotificationEndpoints
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>The waitlist and the caller's notifications; every route needs a signed-in fan.</summary>
    public static IEndpointRouteBuilder MapNotificationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/concerts/{id:long}/waitlist", Join)
            .WithTags("Notifications")
            .WithSummary("Joins the concert's waitlist, to be told when it sells out: 201 when joined, 200 when already on it, 409 concert-sold-out when it has already sold out.")
            .RequireAuthorization();
        app.MapDelete("/api/concerts/{id:long}/waitlist", Leave)
            .WithTags("Notifications")
            .WithSummary("Leaves the concert's waitlist (204, also when not on it).")
            .RequireAuthorization();
        app.MapGet("/api/me/waitlist", (ClaimsPrincipal user, Waitlist waitlist, CancellationToken ct) => waitlist.MineAsync(user.UserId(), ct))
            .WithTags("Notifications")
            .WithSummary("The waitlists the caller is on, newest first.")
            .RequireAuthorization();
        app.MapGet("/api/me/notifications", Mine)
            .WithTags("Notifications")
            .WithSummary($"The caller's notifications, newest first (limit 1..{MaxLimit}, default {DefaultLimit}).")
            .RequireAuthorization();
        return app;
    }

    private static async Task<IResult> Join(long id, ClaimsPrincipal user, Waitlist waitlist, CancellationToken ct)
    {
        var (entry, joined) = await waitlist.JoinAsync(id, user.UserId(), user.Email(), ct);
        return joined ? TypedResults.Created("/api/me/waitlist", entry) : TypedResults.Ok(entry);
    }

    private static async Task<IResult> Leave(long id, ClaimsPrincipal user, Waitlist waitlist, CancellationToken ct)
    {
        await waitlist.LeaveAsync(id, user.UserId(), ct);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Mine(int? limit, ClaimsPrincipal user, NotificationQueries queries, CancellationToken ct)
    {
        if (limit is < 1 or > MaxLimit)
        {
            throw BookingErrors.Validation($"limit must be between 1 and {MaxLimit}.");
        }

        return TypedResults.Ok(await queries.MineAsync(user.UserId(), limit ?? DefaultLimit, ct));
    }
}
