using ConcertBooking.Messaging.Telemetry;
using ConcertBooking.Web;

namespace ConcertBooking.Api.Observability;

/// <summary><c>GET /api/admin/traces</c>: a recent trace of this process, by the event it carried or by its id.</summary>
public static class TraceEndpoints
{
    public static IEndpointRouteBuilder MapTraces(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/admin/traces", Get)
            .WithTags("Admin")
            .WithSummary("The spans of a recent trace recorded by this process: the one that carried eventId, or traceId (32 lowercase hex digits). "
                + "Without either, the ids of the most recent traces.")
            .Produces<RecentTrace>()
            .Produces<IReadOnlyList<string>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(Caller.AdminPolicy);
        return app;
    }

    private static IResult Get(string? eventId, string? traceId, RecentTraces traces)
    {
        var errors = new Validation();
        Guid? parsed = null;
        if (eventId is not null)
        {
            if (Guid.TryParse(eventId, out var id))
            {
                parsed = id;
            }
            else
            {
                errors.Add("eventId", "eventId must be an event's id (a UUID).");
            }
        }

        if (traceId is not null && (traceId.Length != 32 || !traceId.All(char.IsAsciiHexDigitLower)))
        {
            errors.Add("traceId", "traceId must be 32 lowercase hex digits.");
        }

        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        if (parsed is null && traceId is null)
        {
            return TypedResults.Ok(traces.RecentIds(100));
        }

        var trace = parsed is { } e ? traces.FindByEvent(e) : traces.Find(traceId!);
        return trace is null
            ? TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "No such recent trace",
                detail: $"This process holds no recent trace for {(parsed is null ? $"trace {traceId}" : $"event {parsed}")} (it keeps the last {traces.Capacity}).")
            : TypedResults.Ok(trace);
    }
}
