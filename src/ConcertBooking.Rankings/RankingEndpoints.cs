using ConcertBooking.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Rankings;

public static class RankingEndpoints
{
    public const int DefaultLimit = 10;
    public const int MaxLimit = 100;

    public static IEndpointRouteBuilder MapRankingEndpoints(this IEndpointRouteBuilder app)
    {
        // Public leaderboards: they show which concerts are popular and nothing about any fan, so no sign-in.
        var rankings = app.MapGroup("/api/rankings").WithTags("Rankings").AllowAnonymous();
        rankings.MapGet("/bookings", GetBookingRanking)
            .WithSummary("Concerts by reservations made (then confirmed), most first; limit 1..100, default 10.");
        rankings.MapGet("/sold-out", GetSoldOutRanking)
            .WithSummary("Sold-out concerts by seconds from booking start to sell-out, fastest first; limit 1..100, default 10.");
        return app;
    }

    private static async Task<Results<Ok<List<BookingRankEntry>>, ValidationProblem>> GetBookingRanking(
        int? limit, RankingQueries queries, CancellationToken ct) =>
        ValidateLimit(limit, out var take) is { } problem
            ? problem
            : TypedResults.Ok(await queries.BookingRanking(take).ToListAsync(ct));

    private static async Task<Results<Ok<List<SoldOutRankEntry>>, ValidationProblem>> GetSoldOutRanking(
        int? limit, RankingQueries queries, CancellationToken ct) =>
        ValidateLimit(limit, out var take) is { } problem
            ? problem
            : TypedResults.Ok(await queries.SoldOutRanking(take).ToListAsync(ct));

    private static ValidationProblem? ValidateLimit(int? limit, out int take)
    {
        take = limit ?? DefaultLimit;
        return take is >= 1 and <= MaxLimit
            ? null
            : Problems.Invalid("limit", $"limit must be between 1 and {MaxLimit}.");
    }
}
