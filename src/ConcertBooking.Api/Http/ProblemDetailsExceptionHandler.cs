using System.Text.Json;
using ConcertBooking.Domain.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using ConcertBooking.Web;

namespace ConcertBooking.Api.Http;

/// <summary>
/// Maps what can go wrong in a request to RFC 7807 responses: business rule violations to 4xx with their slug,
/// unreadable requests to 400, a Kafka cluster that does not answer to 503. Anything else is a bug and stays a 500,
/// logged by the framework.
/// </summary>
internal sealed class ProblemDetailsExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BookingException booking => new ProblemDetails
            {
                Status = booking.Error.Kind switch
                {
                    ErrorKind.Validation => StatusCodes.Status400BadRequest,
                    ErrorKind.NotFound => StatusCodes.Status404NotFound,
                    ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
                    _ => StatusCodes.Status409Conflict,
                },
                Type = ProblemTypes.For(booking.Error.Type),
                Title = booking.Error.Title,
                Detail = booking.Error.Detail,
            },
            BadHttpRequestException badRequest => new ProblemDetails
            {
                Status = badRequest.StatusCode,
                Type = ProblemTypes.For("bad-request"),
                Title = "Bad request",
                Detail = Describe(badRequest),
            },
            // An operator's query or action that needs the cluster while it does not answer: worth retrying later.
            Confluent.Kafka.KafkaException kafka => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Type = ProblemTypes.For("kafka-unavailable"),
                Title = "Kafka unavailable",
                Detail = kafka.Error.Reason,
            },
            UnauthorizedAccessException unauthorized => new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Type = ProblemTypes.For("unauthorized"),
                Title = "Unauthorized",
                Detail = unauthorized.Message,
            },
            _ => null,
        };

        if (problem is null)
        {
            return false;
        }

        if (exception is BookingException { Error.Extensions: { } extensions })
        {
            foreach (var (name, value) in extensions)
            {
                problem.Extensions[name] = value;
            }
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static string Describe(BadHttpRequestException exception) =>
        exception.InnerException is JsonException json ? $"The request body is not valid: {JsonErrorText.Describe(json)}" : exception.Message;
}
