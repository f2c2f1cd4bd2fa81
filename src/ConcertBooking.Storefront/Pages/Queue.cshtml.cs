using ConcertBooking.Storefront.Catalog;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ConcertBooking.Storefront.Pages;

public sealed class QueueModel(CatalogQueries queries) : PageModel
{
    public WaitingRoomView? Room { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken)
    {
        Room = await queries.WaitingRoomAsync(id, cancellationToken);
        if (Room is null)
        {
            HttpContext.NoStatusCodePage();
            Response.StatusCode = StatusCodes.Status404NotFound;
        }

        return Page();
    }
}
