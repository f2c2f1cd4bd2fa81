using ConcertBooking.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ConcertBooking.OpsConsole.Api;

/// <summary>
/// With <c>Ops:ReadOnly=true</c> every operator action answers 403, whoever asks: the console's own (groups, fault
/// lab) and those of other features it drives (dead-letter redrive and discard, read-model rebuilds). Placed after
/// authorization, so anonymous callers still get 401 and fans 403 forbidden first.
/// </summary>
public static class ReadOnlyGuard
{
    /// <summary>The operator action APIs, all POST.</summary>
    public static readonly string[] ActionPrefixes =
    [
        "/api/admin/groups", "/api/admin/kafka/brokers", "/api/admin/dead-letters", "/api/admin/read-models",
    ];

    public static IApplicationBuilder UseOpsReadOnly(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (HttpMethods.IsPost(request.Method)
            && ActionPrefixes.Any(prefix => request.Path.StartsWithSegments(prefix))
            && context.RequestServices.GetRequiredService<IOptions<OpsOptions>>().Value.ReadOnly)
        {
            await TypedResults.Problem(
                "The operators' console runs read-only here (Ops:ReadOnly=true): it shows the system but changes nothing.",
                statusCode: StatusCodes.Status403Forbidden,
                title: "Read-only",
                type: ProblemTypes.For("ops-read-only")).ExecuteAsync(context);
            return;
        }

        await next(context);
    });
}
