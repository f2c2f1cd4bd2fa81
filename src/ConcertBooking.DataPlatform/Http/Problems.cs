using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConcertBooking.DataPlatform.Http;

/// <summary>RFC 7807 answers in the API's conventions: the same slug-style types under the same base URI.</summary>
internal static class Problems
{
    private const string BaseUri = "https://concertbooking.dev/problems/";

    public static ValidationProblem Invalid(string field, string message) => TypedResults.ValidationProblem(
        new Dictionary<string, string[]> { [field] = [message] },
        title: "Invalid request",
        type: BaseUri + "validation");

    public static ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: title, type: BaseUri + "not-found");

    public static ProblemHttpResult Conflict(string slug, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: title, type: BaseUri + slug);
}
