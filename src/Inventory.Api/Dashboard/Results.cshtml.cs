using Inventory.Api.Auth;
using Inventory.Api.Festivals;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

/// <summary>A festival's results per kiosk (or stop) and brewery, printable (a brewer: its own rows, and their totals only).</summary>
public sealed class ResultsModel(FestivalQueries festivals) : PageModel
{
    public FestivalView? Festival { get; private set; }
    public IReadOnlyList<StopResult> Rows { get; private set; } = [];

    public async Task OnGetAsync(string code, CancellationToken ct)
    {
        Festival = await festivals.FindAsync(code, ct);
        if (Festival is not null) Rows = await festivals.ResultsAsync(code, Caller.From(User).OnlyBrewerySlug, ct);
    }
}
