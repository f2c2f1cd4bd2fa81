using ConcertBooking.Messaging.Outbox;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ConcertBooking.OpsConsole.Pages.Ops;

public sealed class OutboxModel(IOutboxStatusQuery outbox) : PageModel
{
    public OutboxStatus Outbox { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken) => Outbox = await outbox.GetAsync(cancellationToken);
}
