using Inventory.Api.Auth;
using Inventory.Api.Festivals;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

/// <summary>Printable pick lists, one page per brewery (a brewer sees its own).</summary>
public sealed class PickListsModel(FestivalQueries festivals) : PageModel
{
    public FestivalView? Festival { get; private set; }
    public IReadOnlyList<PickList> Lists { get; private set; } = [];

    public async Task OnGetAsync(string code, CancellationToken ct)
    {
        Festival = await festivals.FindAsync(code, ct);
        if (Festival is null) return;
        Lists = await festivals.PickListsAsync(Festival, Caller.From(User).OnlyBrewerySlug, ct);
    }
}
