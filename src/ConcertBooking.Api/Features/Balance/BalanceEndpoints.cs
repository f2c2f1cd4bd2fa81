using System.Security.Claims;
using ConcertBooking.Api.Features.Auth;
using ConcertBooking.Web;
using ConcertBooking.Api.Idempotency;
using ConcertBooking.Domain.Users;

namespace ConcertBooking.Api.Features.Balance;

public static class BalanceEndpoints
{
    public static IEndpointRouteBuilder MapBalance(this IEndpointRouteBuilder app)
    {
        var balance = app.MapGroup("/api/me/balance").WithTags("Balance").RequireAuthorization();
        balance.MapGet("/", (ClaimsPrincipal user, BalanceQueries queries, CancellationToken ct) => queries.GetAsync(user.UserId(), ct))
            .WithSummary("The caller's points balance in KRW.");
        balance.MapPost("/charge", Charge)
            .WithSummary("Adds points to the caller's balance (honours Idempotency-Key).");
        return app;
    }

    private static async Task<IResult> Charge(ChargeRequest request, HttpContext http, IdempotentRequests idempotent)
    {
        if (request.Amount is not (>= 1 and <= User.MaxCharge))
        {
            var errors = new Validation();
            errors.Add("amount", $"amount must be between 1 and {User.MaxCharge:N0}.");
            return errors.ToProblem();
        }

        var userId = http.User.UserId();
        return await idempotent.RunAsync(
            http,
            userId,
            request,
            StatusCodes.Status200OK,
            (db, ct) => ChargeBalance.ChargeAsync(db, userId, request.Amount.Value, ct));
    }
}
