using ConcertBooking.Messaging.Hosting;
using ConcertBooking.Messaging.Operations;
using ConcertBooking.Messaging.Outbox;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ConcertBooking.OpsConsole.Pages.Ops;

public sealed class FaultLabModel(ClusterQueries cluster, GroupQueries groups, IOutboxStatusQuery outbox, IBrokerFaults? faults = null) : PageModel
{
    public ClusterView Cluster { get; private set; } = null!;

    public IReadOnlyList<GroupView> Groups { get; private set; } = [];

    public OutboxStatus Outbox { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (faults is not { IsAvailable: true })
        {
            return NotFound();
        }

        Cluster = await cluster.GetAsync(cancellationToken);
        Groups = await groups.GetAsync(cancellationToken);
        Outbox = await outbox.GetAsync(cancellationToken);
        return Page();
    }
}
