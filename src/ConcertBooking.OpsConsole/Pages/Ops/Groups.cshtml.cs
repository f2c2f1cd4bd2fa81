using ConcertBooking.Messaging.Operations;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ConcertBooking.OpsConsole.Pages.Ops;

public sealed class GroupsModel(GroupQueries groups) : PageModel
{
    public IReadOnlyList<GroupView> Groups { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => Groups = await groups.GetAsync(cancellationToken);

    public static string Seconds(double? seconds) => seconds switch
    {
        null => "unknown",
        0 => "0 s",
        < 1 => "<1 s",
        < 120 => $"{seconds:0} s",
        _ => $"{seconds / 60:0} min",
    };
}
