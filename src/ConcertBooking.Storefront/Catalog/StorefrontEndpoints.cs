using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Routing;

namespace ConcertBooking.Storefront.Catalog;

internal static class StorefrontEndpoints
{
    /// <summary>How stale the live seat map may be. Every watcher of a concert shares one database read per
    /// interval (the output cache locks a miss, so a thousand polls at once still make one query).</summary>
    public static readonly TimeSpan SeatStateFreshness = TimeSpan.FromSeconds(1);

    public static IEndpointRouteBuilder MapStorefrontEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/app").AllowAnonymous().ExcludeFromDescription();
        group.MapGet("/concerts/{id:long}/seat-states", SeatStates)
            .CacheOutput(p => p.Expire(SeatStateFreshness));
        group.MapGet("/seat-labels", SeatLabels);
        group.MapGet("/language/{code}", SwitchLanguage);
        return app;
    }

    private static async Task<IResult> SeatStates(long id, HttpContext http, CatalogQueries queries, CancellationToken ct)
    {
        if (await queries.SeatStatesAsync(id, ct) is not { } states)
        {
            return TypedResults.NotFound();
        }

        var body = $$"""{"status":"{{EnumText(states.Status)}}","available":{{states.Available}},"states":"{{states.States}}"}""";
        var etag = "\"" + Convert.ToHexString(SHA256.HashData(Encoding.ASCII.GetBytes(body)))[..16] + "\"";
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = "no-cache";
        return http.Request.Headers.IfNoneMatch == etag
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Text(body, "application/json");
    }

    private static async Task<IResult> SeatLabels(string? ids, CatalogQueries queries, CancellationToken ct)
    {
        var parsed = new List<long>();
        foreach (var part in (ids ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || parsed.Count >= CatalogQueries.MaxLabelIds)
            {
                return Web.Problems.Invalid("ids", $"ids must be up to {CatalogQueries.MaxLabelIds} comma-separated seat ids.");
            }

            parsed.Add(id);
        }

        return TypedResults.Ok(await queries.LabelsAsync(parsed, ct));
    }

    /// <summary>The language switch: a plain link, so it works without scripts; remembered for a year.</summary>
    private static IResult SwitchLanguage(string code, string? returnUrl, HttpContext http)
    {
        var culture = StorefrontExtensions.Cultures.FirstOrDefault(c => c.Name == code);
        if (culture is null)
        {
            return Web.Problems.Invalid("code", "code must be en or ko.");
        }

        http.Response.Cookies.Append(
            StorefrontExtensions.CultureCookie,
            StorefrontExtensions.CultureCookieValue(culture),
            new CookieOptions { MaxAge = TimeSpan.FromDays(365), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true });
        var local = returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal);
        return TypedResults.LocalRedirect(local ? returnUrl! : "/");
    }

    private static string EnumText(Domain.Concerts.ConcertStatus status) => JsonNamingPolicy.SnakeCaseUpper.ConvertName(status.ToString());
}
