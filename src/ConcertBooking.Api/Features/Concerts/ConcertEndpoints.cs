using ConcertBooking.Api.Features.Auth;
using ConcertBooking.Web;
using ConcertBooking.Domain.Concerts;

namespace ConcertBooking.Api.Features.Concerts;

public static class ConcertEndpoints
{
    public static IEndpointRouteBuilder MapConcerts(this IEndpointRouteBuilder app)
    {
        var concerts = app.MapGroup("/api/concerts").WithTags("Concerts").AllowAnonymous();
        concerts.MapGet("/", (ConcertQueries queries, CancellationToken ct) => queries.ListAsync(ct))
            .WithSummary("Lists concerts with their seat availability.");
        concerts.MapGet("/{id:long}", (long id, ConcertQueries queries, CancellationToken ct) => queries.GetAsync(id, ct))
            .WithSummary("One concert.");
        concerts.MapGet("/{id:long}/seats", GetSeats)
            .WithSummary("Seats of a concert, optionally filtered by status (AVAILABLE, HELD, SOLD).");

        app.MapPost("/api/admin/concerts", Create)
            .WithTags("Admin")
            .WithSummary("Creates a concert with its seats (admin).")
            .RequireAuthorization(Caller.AdminPolicy);
        app.MapPatch("/api/admin/concerts/{id:long}", Update)
            .WithTags("Admin")
            .WithSummary("Changes a concert's sales rules: maxTicketsPerFan and the waiting room (queue) (admin).")
            .RequireAuthorization(Caller.AdminPolicy);
        return app;
    }

    private static async Task<IResult> Update(long id, UpdateConcertRequest request, UpdateConcert useCase, CancellationToken ct)
    {
        var errors = new Validation();
        RequireTicketLimit(errors, request.MaxTicketsPerFan);
        return errors.HasErrors ? errors.ToProblem() : TypedResults.Ok(await useCase.ExecuteAsync(id, request, ct));
    }

    private static void RequireTicketLimit(Validation errors, int? maxTicketsPerFan)
    {
        if (maxTicketsPerFan is < 1 or > ConcertSalesPolicy.HighestMaxTicketsPerFan)
        {
            errors.Add("maxTicketsPerFan", $"maxTicketsPerFan must be between 1 and {ConcertSalesPolicy.HighestMaxTicketsPerFan}.");
        }
    }

    private static async Task<IResult> GetSeats(long id, string? status, ConcertQueries queries, CancellationToken ct)
    {
        SeatStatus? filter = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!EnumText.TryParse<SeatStatus>(status, out var parsed))
            {
                var errors = new Validation();
                errors.Add("status", "status must be one of AVAILABLE, HELD, SOLD.");
                return errors.ToProblem();
            }

            filter = parsed;
        }

        return TypedResults.Ok(await queries.SeatsAsync(id, filter, ct));
    }

    private static async Task<IResult> Create(CreateConcertRequest request, CreateConcert useCase, CancellationToken ct)
    {
        var errors = new Validation();
        errors.Require(request.Name, "name", max: 200);
        errors.Require(request.Venue, "venue", max: 200);
        if (request.StartsAt is null)
        {
            errors.Add("startsAt", "startsAt is required.");
        }

        if (request.BookingOpensAt is null)
        {
            errors.Add("bookingOpensAt", "bookingOpensAt is required.");
        }

        if (request.Sections is not { Count: > 0 })
        {
            errors.Add("sections", "At least one section is required.");
        }
        else
        {
            for (var i = 0; i < request.Sections.Count; i++)
            {
                var section = request.Sections[i];
                if (section is null)
                {
                    errors.Add($"sections[{i}]", "A section must be an object.");
                    continue;
                }

                errors.Require(section.Name, $"sections[{i}].name", max: 50);
                if (section.Rows is null or < 1 or > 1000)
                {
                    errors.Add($"sections[{i}].rows", "rows must be between 1 and 1000.");
                }

                if (section.SeatsPerRow is null or < 1 or > 1000)
                {
                    errors.Add($"sections[{i}].seatsPerRow", "seatsPerRow must be between 1 and 1000.");
                }

                if (section.Price is null or < 0 or > 100_000_000)
                {
                    errors.Add($"sections[{i}].price", "price must be between 0 and 100,000,000 KRW.");
                }
            }
        }

        RequireTicketLimit(errors, request.MaxTicketsPerFan);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        var created = await useCase.ExecuteAsync(
            request.Name!,
            request.Venue!,
            request.StartsAt!.Value,
            request.BookingOpensAt!.Value,
            request.Sections!.Select(s => new SectionSpec(s.Name!, s.Rows!.Value, s.SeatsPerRow!.Value, s.Price!.Value)).ToList(),
            request.MaxTicketsPerFan,
            request.Queue,
            ct);
        return TypedResults.Created($"/api/concerts/{created.Id}", created);
    }
}
