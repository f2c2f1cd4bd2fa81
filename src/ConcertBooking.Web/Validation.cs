using Microsoft.AspNetCore.Http;

namespace ConcertBooking.Web;

/// <summary>Collects field errors for one request and turns them into a 400 validation problem.</summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> _errors = [];

    public bool HasErrors => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
    }

    public void Require(string? value, string field, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, $"{field} is required.");
        }
        else if (value.Length > max)
        {
            Add(field, $"{field} must be at most {max} characters.");
        }
    }

    public void RequirePositive(long? value, string field)
    {
        if (value is null)
        {
            Add(field, $"{field} is required.");
        }
        else if (value <= 0)
        {
            Add(field, $"{field} must be a positive id.");
        }
    }

    public IResult ToProblem() => TypedResults.ValidationProblem(
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray()),
        title: "Invalid request",
        type: ProblemTypes.For("validation"));
}
