using ConcertBooking.Storefront.Catalog;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ConcertBooking.Storefront.Pages;

public sealed class IndexModel(CatalogQueries queries) : PageModel
{
    public IReadOnlyList<ConcertCard> Concerts { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => Concerts = await queries.ConcertsAsync(cancellationToken);
}
