using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace ConcertBooking.OpsConsole.Session;

public sealed record OpsSessionRequest(string? AccessToken);

/// <summary>
/// How a browser carries the operator's token: the console's sign-in gets it from the API's token endpoint, as any
/// client does, and hands it to <c>POST /ops/session</c>, which keeps it in an HttpOnly, SameSite=Strict cookie (no
/// script can read it). Before authentication runs, the cookie becomes the bearer token of requests to the
/// console's pages, of <c>/api/admin</c> reads (GET: the live tail, an export link) and of <c>/api/admin</c> actions
/// that also carry <see cref="ConsoleHeader"/>: another site can neither send that header without CORS nor make the
/// browser attach a Strict cookie, so actions cannot be forged, and it cannot read what a GET answers.
/// </summary>
public static class OpsSession
{
    public const string CookieName = "ops_session";
    public const string ConsoleHeader = "X-Ops-Console";

    public static IApplicationBuilder UseOpsSession(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var request = context.Request;
        if (!request.Headers.ContainsKey(HeaderNames.Authorization)
            && request.Cookies.TryGetValue(CookieName, out var token) && token.Length > 0
            && (request.Path.StartsWithSegments("/ops")
                || (request.Path.StartsWithSegments("/api/admin")
                    && (HttpMethods.IsGet(request.Method) || request.Headers.ContainsKey(ConsoleHeader)))))
        {
            request.Headers.Authorization = "Bearer " + token;
        }

        return next(context);
    });

    internal static IEndpointRouteBuilder MapOpsSession(this IEndpointRouteBuilder app)
    {
        // JSON bodies only: a cross-site form cannot plant someone else's session.
        app.MapPost("/ops/session", (OpsSessionRequest request, HttpContext context) =>
        {
            if (string.IsNullOrWhiteSpace(request.AccessToken) || request.AccessToken.Length > 8192)
            {
                return Results.Problem("accessToken is required.", statusCode: StatusCodes.Status400BadRequest);
            }

            context.Response.Cookies.Append(CookieName, request.AccessToken, new CookieOptions
            {
                HttpOnly = true,
                SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Strict,
                Secure = context.Request.IsHttps,
                Path = "/",
            });
            return Results.NoContent();
        }).AllowAnonymous().ExcludeFromDescription();

        app.MapPost("/ops/session/end", (HttpContext context) =>
        {
            context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/" });
            return Results.NoContent();
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
