using System.Security.Claims;
using ConcertBooking.Api.Features.Auth;
using ConcertBooking.Operations.DeadLetters;
using ConcertBooking.Web;

namespace ConcertBooking.Api.Features.Admin;

public sealed record DeadLetterRefRequest(string? Topic, int? Partition, long? Offset);

public sealed record DeadLetterFilterRequest(string? Topic, string? Group, string? EventType);

/// <summary>Exactly one of: the records, a filter over parked records, or <c>all: true</c>.</summary>
public sealed record DeadLetterSelectionRequest(IReadOnlyList<DeadLetterRefRequest>? Records, DeadLetterFilterRequest? Filter, bool? All);

public sealed record RedriveResponse(int Redriven, int Published, int Skipped);

public sealed record DiscardResponse(int Discarded);

/// <summary>The dead-letter topics: list their records with the failure and the operators' state; redrive them to
/// their original topics or discard them, each action audited.</summary>
public static class DeadLetterEndpoints
{
    private const int MaxRecords = 1000;
    private const int MaxText = 200;

    public static IEndpointRouteBuilder MapDeadLetters(this IEndpointRouteBuilder app)
    {
        var letters = app.MapGroup("/api/admin/dead-letters").WithTags("Admin").RequireAuthorization(Caller.AdminPolicy);
        letters.MapGet("/", List)
            .WithSummary($"Dead letters, newest first: every dead-letter topic or one (topic), filtered by group, eventType and state (PARKED, REDRIVEN, DISCARDED); limit 1..{DeadLetterQueries.MaxLimit}, default {DeadLetterQueries.DefaultLimit}.");
        letters.MapPost("/redrive", Redrive)
            .WithSummary("Puts parked dead letters back on their original topics (records, a filter, or all): the group that failed handles them, the others skip them by eventId.");
        letters.MapPost("/discard", Discard)
            .WithSummary("Marks parked dead letters discarded (records, a filter, or all); they stay on the topic until its retention ends.");
        return app;
    }

    private static async Task<IResult> List(
        string? topic, string? group, string? eventType, string? state, int? limit, DeadLetterQueries queries, CancellationToken ct)
    {
        var errors = new Validation();
        var filter = ReadFilter(errors, "", topic, group, eventType);
        DeadLetterState? wanted = null;
        if (!string.IsNullOrEmpty(state))
        {
            if (EnumText.TryParse<DeadLetterState>(state, out var parsed))
            {
                wanted = parsed;
            }
            else
            {
                errors.Add("state", "state must be one of PARKED, REDRIVEN, DISCARDED.");
            }
        }

        if (limit is < 1 or > DeadLetterQueries.MaxLimit)
        {
            errors.Add("limit", $"limit must be between 1 and {DeadLetterQueries.MaxLimit}.");
        }

        return errors.HasErrors
            ? errors.ToProblem()
            : TypedResults.Ok(await queries.ListAsync(filter!, wanted, limit ?? DeadLetterQueries.DefaultLimit, ct));
    }

    private static Task<IResult> Redrive(DeadLetterSelectionRequest request, ClaimsPrincipal user, DeadLetterActions actions, CancellationToken ct) =>
        ActAsync(request, selection => actions.RedriveAsync(selection, Operator.Of(user), ct),
            outcome => new RedriveResponse(outcome.Affected, outcome.Published, outcome.Skipped));

    private static Task<IResult> Discard(DeadLetterSelectionRequest request, ClaimsPrincipal user, DeadLetterActions actions, CancellationToken ct) =>
        ActAsync(request, selection => actions.DiscardAsync(selection, Operator.Of(user), ct), outcome => new DiscardResponse(outcome.Affected));

    private static async Task<IResult> ActAsync<TResponse>(
        DeadLetterSelectionRequest request, Func<DeadLetterSelection, Task<DeadLetterOutcome>> act, Func<DeadLetterOutcome, TResponse> respond)
    {
        var errors = new Validation();
        var selection = Validate(errors, request);
        if (errors.HasErrors || selection is null)
        {
            return errors.ToProblem();
        }

        var outcome = await act(selection);
        return Refusal(outcome) ?? TypedResults.Ok(respond(outcome));
    }

    private static IResult? Refusal(DeadLetterOutcome outcome) =>
        outcome.Missing.Count > 0
            ? Problems.NotFound("Dead letter not found", "No such dead letter: " + string.Join(", ", outcome.Missing.Take(20)))
            : outcome.Refused.Count > 0
                ? Problems.Conflict(
                    "dead-letter-not-parked", "Dead letter not parked",
                    "Already redriven or discarded, or too old to redrive safely: " + string.Join(", ", outcome.Refused.Take(20)))
                : null;

    private static DeadLetterSelection? Validate(Validation errors, DeadLetterSelectionRequest? request)
    {
        var given = (request?.Records is not null ? 1 : 0) + (request?.Filter is not null ? 1 : 0) + (request?.All is not null ? 1 : 0);
        if (request is null || given != 1)
        {
            errors.Add("records", "Give exactly one of records, filter or all.");
            return null;
        }

        if (request.All is { } all)
        {
            if (!all)
            {
                errors.Add("all", "all must be true when given.");
            }

            return new DeadLetterSelection(null, null, All: true);
        }

        if (request.Filter is { } filter)
        {
            return ReadFilter(errors, "filter.", filter.Topic, filter.Group, filter.EventType) is { } read ? new DeadLetterSelection(null, read, false) : null;
        }

        var records = request.Records!;
        if (records.Count is 0 or > MaxRecords)
        {
            errors.Add("records", $"records must list 1 to {MaxRecords} dead letters.");
            return null;
        }

        var refs = new List<DeadLetterRef>();
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var topic = record?.Topic is { Length: > 0 and <= MaxText } name ? DeadLetterReader.Resolve(name) : null;
            if (topic is null)
            {
                errors.Add($"records[{i}].topic", "topic must be a dead-letter topic: " + string.Join(", ", DeadLetterReader.Topics) + ".");
            }

            if (record?.Partition is not >= 0)
            {
                errors.Add($"records[{i}].partition", "partition must be 0 or more.");
            }

            if (record?.Offset is not >= 0)
            {
                errors.Add($"records[{i}].offset", "offset must be 0 or more.");
            }

            if (topic is not null && record is { Partition: >= 0 and var partition, Offset: >= 0 and var offset })
            {
                refs.Add(new DeadLetterRef(topic, partition, offset));
            }
        }

        return new DeadLetterSelection(refs, null, false);
    }

    private static DeadLetterFilter? ReadFilter(Validation errors, string prefix, string? topic, string? group, string? eventType)
    {
        string? resolved = null;
        if (!string.IsNullOrEmpty(topic))
        {
            resolved = topic.Length <= MaxText ? DeadLetterReader.Resolve(topic) : null;
            if (resolved is null)
            {
                errors.Add(prefix + "topic", "topic must be a dead-letter topic or its event topic: " + string.Join(", ", DeadLetterReader.Topics) + ".");
            }
        }

        if (group?.Length > MaxText)
        {
            errors.Add(prefix + "group", $"group must be at most {MaxText} characters.");
        }

        if (eventType?.Length > MaxText)
        {
            errors.Add(prefix + "eventType", $"eventType must be at most {MaxText} characters.");
        }

        return errors.HasErrors ? null : new DeadLetterFilter(resolved, NullIfEmpty(group), NullIfEmpty(eventType));
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
