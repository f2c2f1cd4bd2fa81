using ConcertBooking.Operations.Audit;

namespace ConcertBooking.Api.Features.Admin;

/// <summary>
/// The console's own actions in the operators' audit trail, beside the redrives and discards that their feature
/// records itself: pausing, resuming and resetting a group, and every fault-lab change. An action is recorded once it
/// succeeded (2xx), with who asked, what (<c>groups.pause</c>, <c>brokers.down</c>, ...), on what, and the request's
/// body as the detail (a reset's target time, a latency).
/// </summary>
internal static class ConsoleActionAudit
{
    public static IApplicationBuilder UseConsoleActionAudit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!HttpMethods.IsPost(context.Request.Method) || Describe(context.Request.Path) is not { } action)
        {
            await next(context);
            return;
        }

        context.Request.EnableBuffering();
        await next(context);
        if (context.Response.StatusCode is < 200 or > 299 || context.RequestServices.GetService<AuditLog>() is not { } audit)
        {
            return;
        }

        context.Request.Body.Position = 0;
        using var reader = new StreamReader(context.Request.Body, leaveOpen: true);
        var detail = await reader.ReadToEndAsync(context.RequestAborted);
        await audit.WriteAsync(Operator.Of(context.User), action.Name, action.Target, detail, context.RequestAborted);
    });

    /// <summary><c>/api/admin/groups/{group}/{verb}</c> and <c>/api/admin/kafka/brokers/{id}/{verb}</c>.</summary>
    private static (string Name, string Target)? Describe(PathString path) =>
        path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) switch
        {
            ["api", "admin", "groups", var group, var verb] => ($"groups.{verb}", group),
            ["api", "admin", "kafka", "brokers", var id, var verb] => ($"brokers.{verb}", $"broker {id}"),
            _ => null,
        };
}
