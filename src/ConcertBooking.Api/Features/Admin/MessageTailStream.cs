using System.Text;
using System.Text.Json;
using ConcertBooking.Messaging;
using ConcertBooking.Operations.Messages;
using ConcertBooking.Web;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace ConcertBooking.Api.Features.Admin;

/// <summary>
/// The live tail as Server-Sent Events: <c>event: record</c> with one record as JSON per message. The consumer is
/// positioned at the topics' end before the response starts, so a client that has the response headers sees
/// every record produced after that; it is closed when the client goes away.
/// </summary>
internal static class MessageTailStream
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static async Task<IResult> Tail(
        string? topic, bool? deadLetters, HttpContext context, MessageTail tail, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
        TimeProvider clock, CancellationToken ct)
    {
        IReadOnlyList<string> topics;
        if (!string.IsNullOrEmpty(topic))
        {
            if (!TopicNames.All.Contains(topic))
            {
                return MessageEndpoints.UnknownTopic(topic);
            }

            topics = [topic];
        }
        else
        {
            topics = TopicNames.All.Where(t => deadLetters is true || !t.EndsWith(TopicNames.DeadLetterSuffix, StringComparison.Ordinal)).ToList();
        }

        using var session = await tail.OpenAsync(topics, ct);
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await WriteAsync(response, $": following {string.Join(", ", topics)}\n\n", ct);

        var quietSince = clock.GetTimestamp();
        try
        {
            await foreach (var record in session.ReadAsync(ct))
            {
                if (record is not null)
                {
                    await WriteAsync(response, $"event: record\ndata: {JsonSerializer.Serialize(record, json.Value.SerializerOptions)}\n\n", ct);
                    quietSince = clock.GetTimestamp();
                }
                else if (clock.GetElapsedTime(quietSince) > KeepAlive)
                {
                    await WriteAsync(response, ": keep-alive\n\n", ct);
                    quietSince = clock.GetTimestamp();
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client left.
        }

        return TypedResults.Empty;
    }

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken ct)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        await response.Body.FlushAsync(ct);
    }
}
