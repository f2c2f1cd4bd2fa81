using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Messaging.Operations;
using ConcertBooking.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ConcertBooking.OpsConsole.Api;

/// <param name="To"><c>earliest</c>, <c>latest</c> or <c>timestamp</c>.</param>
/// <param name="At">For <c>timestamp</c>: the first record at or after this time is read next.</param>
public sealed record OffsetResetRequest(string? To, DateTimeOffset? At);

public sealed record GroupStateChange(string GroupId, string State);

internal static class GroupEndpoints
{
    private static readonly TimeSpan PauseTimeout = TimeSpan.FromSeconds(30);

    public static void MapGroupEndpoints(RouteGroupBuilder reads, RouteGroupBuilder actions)
    {
        reads.MapGet("/groups", (GroupQueries groups, CancellationToken ct) => groups.GetAsync(ct))
            .WithSummary("Consumer groups: committed offset, lag in records and in seconds per partition, and what this process runs of each (state, member, assignment).");

        actions.MapPost("/groups/{group}/pause", PauseAsync)
            .WithSummary("Stops the group's consumer in this process: it finishes its batch, commits and leaves the group (other members take its partitions).");
        actions.MapPost("/groups/{group}/resume", Resume)
            .WithSummary("Starts the group's consumer in this process again, from the committed offsets.");
        actions.MapPost("/groups/{group}/reset", ResetAsync)
            .WithSummary("Moves the committed offsets of a group paused in this process to earliest, latest or the first record at or after a time. Resume it afterwards.");
    }

    private static async Task<Results<Ok<GroupStateChange>, ProblemHttpResult>> PauseAsync(
        string group, ConsumerGroupControls controls, CancellationToken ct)
    {
        if (controls.Find(group) is not { } control)
        {
            return NotHere(group);
        }

        return await control.PauseAsync(PauseTimeout, ct)
            ? TypedResults.Ok(new GroupStateChange(group, control.State.ToString()))
            : TypedResults.Problem($"{group} did not stop within {PauseTimeout.TotalSeconds} s; it is still finishing its batch.",
                statusCode: StatusCodes.Status409Conflict, title: "Group still stopping", type: ProblemTypes.For("group-still-stopping"));
    }

    private static Results<Ok<GroupStateChange>, ProblemHttpResult> Resume(string group, ConsumerGroupControls controls)
    {
        if (controls.Find(group) is not { } control)
        {
            return NotHere(group);
        }

        control.Resume();
        return TypedResults.Ok(new GroupStateChange(group, control.State.ToString()));
    }

    private static async Task<IResult> ResetAsync(string group, OffsetResetRequest request, GroupOffsetReset reset, CancellationToken ct)
    {
        if (!Enum.TryParse<OffsetResetTarget>(request.To, ignoreCase: true, out var target) || !Enum.IsDefined(target) || int.TryParse(request.To, out _))
        {
            return Problems.Invalid("to", "to must be earliest, latest or timestamp.");
        }

        if (target == OffsetResetTarget.Timestamp && request.At is null)
        {
            return Problems.Invalid("at", "at (an ISO-8601 time) is required with to=timestamp.");
        }

        var result = await reset.ResetAsync(group, target, target == OffsetResetTarget.Timestamp ? request.At : null, ct);
        return result.Outcome switch
        {
            OffsetResetOutcome.Reset => TypedResults.Ok(result.Offsets),
            OffsetResetOutcome.UnknownGroup => Problems.NotFound("Unknown consumer group", $"No consumer group {group} in this system."),
            OffsetResetOutcome.NotLocal => NotHere(group),
            OffsetResetOutcome.Running => Problems.Conflict("group-running", "Group running",
                $"Pause {group} first (POST /api/admin/groups/{group}/pause): offsets move only while the group is stopped."),
            _ => Problems.Conflict("offset-reset-refused", "Offset reset refused", result.Detail ?? "The cluster refused the commit."),
        };
    }

    private static ProblemHttpResult NotHere(string group) =>
        Problems.NotFound("Consumer group not running here", $"{group} is not a consumer group run by this process.");
}
