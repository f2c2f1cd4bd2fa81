using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ConcertBooking.Web;

/// <summary>RFC 7807 answers in the API's conventions, for endpoints that return problems as results.</summary>
public static class Problems
{
    public static ValidationProblem Invalid(string field, string message) => TypedResults.ValidationProblem(
        new Dictionary<string, string[]> { [field] = [message] },
        title: "Invalid request",
        type: ProblemTypes.For("validation"));

    public static ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: title, type: ProblemTypes.For("not-found"));

    public static ProblemHttpResult Conflict(string slug, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: title, type: ProblemTypes.For(slug));
}
