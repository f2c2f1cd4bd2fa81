using ConcertBooking.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ConcertBooking.OpsConsole.Api;

/// <summary>With <c>Ops:ReadOnly=true</c> every operator action answers 403, whoever asks.</summary>
internal sealed class ReadOnlyGuard(IOptions<OpsOptions> options) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        options.Value.ReadOnly
            ? ValueTask.FromResult<object?>(TypedResults.Problem(
                "The operators' console runs read-only here (Ops:ReadOnly=true): it shows the system but changes nothing.",
                statusCode: StatusCodes.Status403Forbidden,
                title: "Read-only",
                type: ProblemTypes.For("ops-read-only")))
            : next(context);
}
