using System.Globalization;
using ConcertBooking.Api.Http;
using ConcertBooking.Web;

namespace ConcertBooking.Api.Features.Queue;

public static class QueueEndpoints
{
    public static IEndpointRouteBuilder MapQueue(this IEndpointRouteBuilder app)
    {
        var queue = app.MapGroup("/api/concerts/{id:long}/queue").WithTags("Waiting room").RequireAuthorization();
        queue.MapPost("/", Join)
            .RequireRateLimiting(RateLimits.QueueJoins)
            .WithSummary("Joins the concert's waiting room (once: a second call returns the same place).");
        queue.MapGet("/me", Status)
            .WithSummary("The caller's place: WAITING (position, ahead, estimated wait), ADMITTED (until), EXPIRED or CLOSED; Retry-After says when to ask again.");
        queue.MapDelete("/me", Leave)
            .WithSummary("Leaves the waiting room, or ends the caller's shopping turn so the next fan is let in.");
        return app;
    }

    private static async Task<IResult> Leave(long id, HttpContext http, LeaveQueue useCase)
    {
        await useCase.ExecuteAsync(http.User.UserId(), id, http.RequestAborted);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Join(long id, HttpContext http, JoinQueue useCase, TimeProvider clock)
    {
        var ticket = await useCase.ExecuteAsync(http.User.UserId(), id, http.RequestAborted);
        return Respond(http, ticket, clock);
    }

    private static async Task<IResult> Status(long id, HttpContext http, QueueQueries queries, TimeProvider clock)
    {
        var ticket = await queries.StatusAsync(http.User.UserId(), id, http.RequestAborted);
        return Respond(http, ticket, clock);
    }

    private static IResult Respond(HttpContext http, QueueTicketDto ticket, TimeProvider clock)
    {
        if (ticket.RetryAfterSeconds(clock.GetUtcNow()) is > 0 and var seconds)
        {
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return TypedResults.Ok(ticket);
    }
}
