using Inventory.Api.Auth;
using Inventory.Api.Catalogue;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

/// <summary>
/// The catalogue on a page: beers (a brewer adds its own brewery's), breweries and places (the lead adds them). The
/// catalogue is public within the Table (docs/security.md); the API decides who may add what.
/// </summary>
public sealed class CatalogueModel(CatalogueQueries catalogue) : PageModel
{
    /// <summary>The places a person adds here; festival kiosks and tour stops are the festival planner's.</summary>
    public IReadOnlyList<string> PlaceKinds { get; } = [LocationKinds.CoopFridge, LocationKinds.GroceryStore, LocationKinds.Brewery, LocationKinds.Warehouse];
    public IReadOnlyList<string> Formats { get; } = [.. global::Collab.Brew.PackageFormats.All];
    public bool IsLead { get; private set; }
    public string? OwnBrewery { get; private set; }
    public IReadOnlyList<Beer> Beers { get; private set; } = [];
    public IReadOnlyList<Brewery> Breweries { get; private set; } = [];
    public IReadOnlyList<Location> Places { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var caller = Caller.From(User);
        (IsLead, OwnBrewery) = (caller.IsLead, caller.BrewerySlug);
        Beers = await catalogue.BeersAsync(null, ct);
        Breweries = await catalogue.BreweriesAsync(ct);
        Places = await catalogue.LocationsAsync(null, null, ct);
    }
}
