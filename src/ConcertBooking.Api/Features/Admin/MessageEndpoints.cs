using System.Globalization;
using System.Text.Json;
using ConcertBooking.Api.Features.Auth;
using ConcertBooking.Messaging;
using ConcertBooking.Operations.Messages;
using ConcertBooking.Web;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Api.Features.Admin;

/// <summary>Browse a topic's records with filters and export a page; follow topics live (Server-Sent Events).</summary>
public static class MessageEndpoints
{
    private const int MaxText = 500;

    public static IEndpointRouteBuilder MapMessages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/admin/topics/{topic}/messages", Browse)
            .WithTags("Admin")
            .WithSummary("A page of a topic's records (key, headers, value pretty-printed), from a partition and offset or a time (from), "
                + "filtered by key, eventType, eventId or header=name:value; next resumes (cursor= across partitions). download=true: the same JSON as a file.")
            .RequireAuthorization(Caller.AdminPolicy);
        app.MapGet("/api/admin/messages/tail", MessageTailStream.Tail)
            .WithTags("Admin")
            .WithSummary("Server-Sent Events (event: record) of new records on one topic or every event topic (deadLetters=true adds the dead-letter topics), from now on.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .RequireAuthorization(Caller.AdminPolicy);
        return app;
    }

    private static async Task<IResult> Browse(
        string topic, int? partition, long? offset, string? from, string? key, string? eventType, string? eventId, string? header,
        string? cursor, int? limit, bool? download, MessageBrowser browser, IOptions<JsonOptions> json, CancellationToken ct)
    {
        if (!TopicNames.All.Contains(topic))
        {
            return UnknownTopic(topic);
        }

        var errors = new Validation();
        DateTimeOffset? since = null;
        if (!string.IsNullOrEmpty(from))
        {
            if (DateTimeOffset.TryParse(from, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                since = parsed;
            }
            else
            {
                errors.Add("from", "from must be an ISO 8601 time, e.g. 2026-12-06T09:00:00Z.");
            }
        }

        string? headerName = null, headerValue = null;
        if (!string.IsNullOrEmpty(header))
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                errors.Add("header", "header must be name:value.");
            }
            else
            {
                (headerName, headerValue) = (header[..colon], header[(colon + 1)..]);
            }
        }

        TopicPosition? resume = null;
        if (!string.IsNullOrEmpty(cursor) && (resume = TopicPosition.ParseCursor(cursor)) is null)
        {
            errors.Add("cursor", "cursor must be partition:offset, as a page's next.cursor gives it.");
        }

        if (offset is < 0)
        {
            errors.Add("offset", "offset must be 0 or more.");
        }

        if (limit is < 1 or > MessageQuery.MaxLimit)
        {
            errors.Add("limit", $"limit must be between 1 and {MessageQuery.MaxLimit}.");
        }

        foreach (var (name, value) in new[] { ("key", key), ("eventType", eventType), ("eventId", eventId), ("header", header) })
        {
            if (value?.Length > MaxText)
            {
                errors.Add(name, $"{name} must be at most {MaxText} characters.");
            }
        }

        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        var partitions = await browser.PartitionsAsync(topic, ct);
        if (partition is { } p && !partitions.Contains(p) || resume is { } r && !partitions.Contains(r.Partition))
        {
            return Problems.Invalid(partition is null ? "cursor" : "partition", $"{topic} has partitions {string.Join(", ", partitions)}.");
        }

        var query = new MessageQuery(
            partition, offset, since, NullIfEmpty(key), NullIfEmpty(eventType), NullIfEmpty(eventId), headerName, headerValue, resume,
            limit ?? MessageQuery.DefaultLimit);
        var page = await browser.BrowseAsync(topic, partitions, query, ct);
        if (download is true)
        {
            var start = page.Items.FirstOrDefault() is { } first ? $"-{first.Partition}-{first.Offset}" : string.Empty;
            var pretty = new JsonSerializerOptions(json.Value.SerializerOptions) { WriteIndented = true };
            return new Attachment(TypedResults.Json(page, pretty), $"{topic}{start}.json");
        }

        return TypedResults.Ok(page);
    }

    internal static IResult UnknownTopic(string topic) =>
        Problems.NotFound("Topic not found", $"No topic {topic[..Math.Min(topic.Length, 100)]}; the system's topics are {string.Join(", ", TopicNames.All)}.");

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>A JSON result offered as a file to save.</summary>
    private sealed class Attachment(IResult inner, string fileName) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.ContentDisposition =
                new System.Net.Http.Headers.ContentDispositionHeaderValue("attachment") { FileNameStar = fileName }.ToString();
            return inner.ExecuteAsync(httpContext);
        }
    }
}
