using Inventory.Api.Auth;
using Inventory.Api.Catalogue;
using Inventory.Api.Stock;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

/// <summary>
/// Par levels on the phone: what each COOP fridge should hold of the caller's beers after a round (the lead: every
/// beer's), and setting one. Without them the restocking rounds have nothing to bring.
/// </summary>
public sealed class ParLevelsModel(StockQueries stock, CatalogueQueries catalogue) : PageModel
{
    public IReadOnlyList<ParLevelRow> Levels { get; private set; } = [];
    /// <summary>The beers the caller may set a par level for: its own (the lead: all), by name.</summary>
    public IReadOnlyList<(string Sku, string Name)> Beers { get; private set; } = [];
    public IReadOnlyList<(string Code, string Name)> Fridges { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var caller = Caller.From(User);
        Levels = await stock.ParLevelsAsync(caller, ct);
        // A retired beer stocks no fridge any more (its par levels ended with it): not offered.
        Beers = (await catalogue.BeersAsync(caller.OnlyBrewerySlug, ct)).Where(b => b.RetiredOn is null).Select(b => (b.Sku, b.Name)).OrderBy(b => b.Name, StringComparer.Ordinal).ToList();
        Fridges = (await catalogue.LocationsAsync(LocationKinds.CoopFridge, null, ct)).Select(l => (l.Code, l.Name)).OrderBy(l => l.Name, StringComparer.Ordinal).ToList();
    }
}
