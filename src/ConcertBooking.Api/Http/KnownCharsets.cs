using System.Text;
using ConcertBooking.Web;
using Microsoft.AspNetCore.Mvc;
using MediaTypeHeaderValue = Microsoft.Net.Http.Headers.MediaTypeHeaderValue;

namespace ConcertBooking.Api.Http;

/// <summary>
/// Answers a body in a charset .NET cannot decode with a 415 problem before any endpoint reads it: the JSON reader
/// would otherwise throw an InvalidOperationException, which no handler can tell apart from a bug.
/// </summary>
internal static class KnownCharsets
{
    public static IApplicationBuilder UseKnownCharsetsOnly(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (UnknownCharsetOf(http.Request.ContentType) is { } charset)
        {
            http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status415UnsupportedMediaType,
                    Type = ProblemTypes.For("unsupported-media-type"),
                    Title = "Unsupported media type",
                    Detail = $"The charset '{(charset.Length > 40 ? charset[..40] + "…" : charset)}' is not known; send JSON in UTF-8.",
                },
            });
            return;
        }

        await next(http);
    });

    /// <summary>The Content-Type's charset when it names no encoding this runtime has; otherwise null (a missing or
    /// unparsable Content-Type is left to the endpoint, which answers 415 or 400 itself).</summary>
    public static string? UnknownCharsetOf(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType) || !MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return null;
        }

        if (!media.Charset.HasValue)
        {
            return null;
        }

        // Taken as sent, quotes included, as the JSON reader takes it: charset="" or "utf-8" in quotes is refused
        // here rather than failing there.
        var charset = media.Charset.ToString();
        try
        {
            Encoding.GetEncoding(charset);
            return null;
        }
        catch (ArgumentException)
        {
            return charset;
        }
    }
}
