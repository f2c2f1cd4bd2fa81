using ConcertBooking.Storefront.Catalog;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ConcertBooking.Storefront.Pages;

public sealed class ConcertModel(CatalogQueries queries) : PageModel
{
    public SeatMap? Map { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken)
    {
        Map = await queries.SeatMapAsync(id, cancellationToken);
        if (Map is null)
        {
            HttpContext.NoStatusCodePage();
            Response.StatusCode = StatusCodes.Status404NotFound;
        }

        return Page();
    }
}
