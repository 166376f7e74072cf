using System.Globalization;
using Inventory.Api.Auth;
using Inventory.Api.Collab;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

/// <summary>Collab brews: status, partners, the split of the output and the settlement (a brewer sees its brewery's).</summary>
public sealed class BrassinsModel(CollabQueries collab) : PageModel
{
    public IReadOnlyList<(CollabBrewView Brew, SettlementView? Settlement)> Brews { get; private set; } = [];

    // The app runs with invariant globalization (no ICU on small images): Québec's money formats by hand.


    public async Task OnGetAsync(CancellationToken ct)
    {
        Brews = (await collab.VisibleAsync(Caller.From(User), ct)).Select(brew => (brew.View(), CollabQueries.Settlement(brew))).ToList();
    }
}
