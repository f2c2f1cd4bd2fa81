using ConcertBooking.DataPlatform.Analytics;
using ConcertBooking.DataPlatform.Http;
using ConcertBooking.Web;
using ConcertBooking.DataPlatform.Rebuild;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ConcertBooking.DataPlatform;

public static class DataPlatformEndpoints
{
    /// <summary>The API's policy for its admin role.</summary>

    /// <summary>An hourly series is for charts; longer spans belong to exports, not to one request.</summary>
    private static readonly TimeSpan MaxHourlyRange = TimeSpan.FromDays(31);

    private const string TimestampHint = "an ISO-8601 timestamp such as 2025-06-01T09:00:00Z, in the years 1970 to 2999";

    public static IEndpointRouteBuilder MapDataPlatformEndpoints(this IEndpointRouteBuilder app)
    {
        var analytics = app.MapGroup("/api/analytics").WithTags("Analytics").RequireAuthorization();
        analytics.MapGet("/reservations/hourly", Hourly)
            .WithSummary("Reservations per UTC hour of event time (when the seat was held, not when the event arrived).");
        analytics.MapGet("/concerts/{id:long}", Concert)
            .WithSummary("A concert's reservations by status, revenue and sold-out speed; with asOf, as of that moment (from the archive).");
        analytics.MapGet("/concerts/{id:long}/queue", Queue)
            .WithSummary("A concert's waiting room over event time: joins, admissions, the queue's length and the wait, per UTC minute.");
        analytics.MapGet("/users/{id:long}", User)
            .WithSummary("A fan's reservations, payments, spend and favourite UTC hour of day (admin).")
            .RequireAuthorization(Caller.AdminPolicy);

        app.MapPost("/api/admin/read-models/{group}/rebuild", Rebuild)
            .WithTags("Admin")
            .WithSummary("Empties a consumer group's read models and replays its events that occurred at or after `from`, from Kafka or the archive (admin).")
            .RequireAuthorization(Caller.AdminPolicy);
        return app;
    }

    private static async Task<IResult> Hourly(string? from, string? to, AnalyticsQueries queries, CancellationToken ct)
    {
        if (!Timestamps.TryParse(from, out var start))
        {
            return Problems.Invalid("from", $"from is required: {TimestampHint}.");
        }

        if (!Timestamps.TryParse(to, out var end))
        {
            return Problems.Invalid("to", $"to is required: {TimestampHint}.");
        }

        if (end < start)
        {
            return Problems.Invalid("to", "to must not be before from.");
        }

        if (end - start > MaxHourlyRange)
        {
            return Problems.Invalid("to", $"The range may span at most {MaxHourlyRange.TotalDays:0} days.");
        }

        return TypedResults.Ok(await queries.HourlyAsync(start, end, ct));
    }

    private static async Task<IResult> Concert(long id, string? asOf, AnalyticsQueries queries, CancellationToken ct)
    {
        ConcertAnalyticsDto? figures;
        if (asOf is null)
        {
            figures = await queries.ConcertAsync(id, ct);
        }
        else if (Timestamps.TryParse(asOf, out var moment))
        {
            figures = await queries.ConcertAsOfAsync(id, moment, ct);
        }
        else
        {
            return Problems.Invalid("asOf", $"asOf must be {TimestampHint}.");
        }

        return figures is null
            ? Problems.NotFound("Concert not found", $"The data platform has seen no event of concert {id}{(asOf is null ? "" : " by then")}.")
            : TypedResults.Ok(figures);
    }

    private static async Task<IResult> Queue(long id, AnalyticsQueries queries, CancellationToken ct) =>
        await queries.QueueAsync(id, ct) is { } figures
            ? TypedResults.Ok(figures)
            : Problems.NotFound("Queue not found", $"The data platform has seen no waiting-room event of concert {id}.");

    private static async Task<IResult> User(long id, AnalyticsQueries queries, CancellationToken ct) =>
        await queries.UserAsync(id, ct) is { } figures
            ? TypedResults.Ok(figures)
            : Problems.NotFound("User not found", $"The data platform has seen no event of user {id}.");

    private static async Task<IResult> Rebuild(string group, string? from, ReadModelRebuild rebuild, TimeProvider clock, CancellationToken ct)
    {
        if (!Timestamps.TryParse(from, out var since))
        {
            return Problems.Invalid("from", $"from is required: {TimestampHint}; any time before the first event rebuilds everything.");
        }

        if (since > clock.GetUtcNow())
        {
            // It would only empty the read models.
            return Problems.Invalid("from", "from must not be in the future.");
        }

        var result = await rebuild.RunAsync(group, since, ct);
        return result.Outcome switch
        {
            RebuildOutcome.Rebuilt => TypedResults.Ok(result.Summary),
            RebuildOutcome.UnknownGroup => Problems.NotFound("Consumer group not found", $"There is no consumer group {group}."),
            RebuildOutcome.NotRebuildable => Problems.Conflict(
                "read-models-not-rebuildable", "Read models not rebuildable", $"{group} has registered no rebuilder for its read models."),
            _ => Problems.Conflict("archive-behind", "Archive behind", result.Detail!),
        };
    }
}
