using ConcertBooking.Messaging.Operations;
using ConcertBooking.Messaging.Outbox;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ConcertBooking.OpsConsole.Pages.Ops;

public sealed class IndexModel(ClusterQueries cluster, IOutboxStatusQuery outbox) : PageModel
{
    public ClusterView Cluster { get; private set; } = null!;

    public OutboxStatus Outbox { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Cluster = await cluster.GetAsync(cancellationToken);
        Outbox = await outbox.GetAsync(cancellationToken);
    }
}
