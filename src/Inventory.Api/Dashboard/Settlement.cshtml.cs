using Inventory.Api.Auth;
using Inventory.Api.Festivals;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

/// <summary>A festival's settlement as printable statements: what each party sold, the kiosk fee, what it collected, and who pays whom (a brewer: its own).</summary>
public sealed class SettlementModel(FestivalQueries festivals) : PageModel
{
    public FestivalView? Festival { get; private set; }
    public FestivalSettlement? Settlement { get; private set; }

    public async Task OnGetAsync(string code, CancellationToken ct)
    {
        Festival = await festivals.FindAsync(code, ct);
        if (Festival is not null) Settlement = await festivals.SettlementAsync(Festival, Caller.From(User).OnlyBrewerySlug, ct);
    }
}
