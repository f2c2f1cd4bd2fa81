using ConcertBooking.Api.Features.Auth;
using ConcertBooking.Web;
using ConcertBooking.Api.Http;
using ConcertBooking.Api.Idempotency;
using System.Security.Claims;

namespace ConcertBooking.Api.Features.Reservations;

public static class ReservationEndpoints
{
    public static IEndpointRouteBuilder MapReservations(this IEndpointRouteBuilder app)
    {
        var reservations = app.MapGroup("/api/reservations").WithTags("Reservations").RequireAuthorization();
        reservations.MapPost("/", Hold)
            .RequireRateLimiting(RateLimits.Holds)
            .WithSummary("Holds a seat for the caller (honours Idempotency-Key).");
        reservations.MapGet("/{id:long}", (long id, ClaimsPrincipal user, ReservationQueries queries, CancellationToken ct) =>
                queries.GetAsync(id, user.UserId(), user.IsAdmin(), ct))
            .WithSummary("One reservation (its owner or an admin).");
        reservations.MapPost("/{id:long}/payment", Pay)
            .RequireRateLimiting(RateLimits.Payments)
            .WithSummary("Pays a held reservation from the points balance (honours Idempotency-Key).");
        reservations.MapDelete("/{id:long}", Cancel)
            .WithSummary("Cancels a held reservation of the caller and releases the seat.");

        app.MapGet("/api/me/reservations", (ClaimsPrincipal user, ReservationQueries queries, CancellationToken ct) =>
                queries.MineAsync(user.UserId(), ct))
            .WithTags("Reservations")
            .WithSummary("The caller's reservations, newest first.")
            .RequireAuthorization();
        return app;
    }

    private static async Task<IResult> Hold(
        HoldRequest request, HttpContext http, HoldSeat useCase, IdempotentRequests idempotent)
    {
        var errors = new Validation();
        errors.RequirePositive(request.ConcertId, "concertId");
        errors.RequirePositive(request.SeatId, "seatId");
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        var userId = http.User.UserId();
        return await idempotent.RunAsync(
            http,
            userId,
            request,
            StatusCodes.Status201Created,
            (db, ct) => useCase.HoldAsync(db, userId, request.ConcertId!.Value, request.SeatId!.Value, ct),
            created => $"/api/reservations/{created.Id}");
    }

    private static async Task<IResult> Pay(
        long id, PaymentRequest request, HttpContext http, PayReservation useCase, IdempotentRequests idempotent)
    {
        if (request.Method is null)
        {
            var errors = new Validation();
            errors.Add("method", "method is required (POINTS).");
            return errors.ToProblem();
        }

        var userId = http.User.UserId();
        return await idempotent.RunAsync(
            http,
            userId,
            new { id, request.Method },
            StatusCodes.Status200OK,
            (db, ct) => useCase.PayAsync(db, userId, id, request.Method.Value, ct));
    }

    private static async Task<IResult> Cancel(long id, ClaimsPrincipal user, CancelReservation useCase, CancellationToken ct)
    {
        await useCase.ExecuteAsync(user.UserId(), id, ct);
        return TypedResults.NoContent();
    }
}
