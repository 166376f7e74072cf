using Inventory.Api.Auth;
using Inventory.Api.Catalogue;
using Inventory.Api.Sales;
using Inventory.Api.Stock;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

/// <summary>A brewer's beers by location and format (cases + units), and the form to record a movement.</summary>
public sealed class StockModel(StockQueries stock, CatalogueQueries catalogue, SalesQueries sales, Exposures exposures) : PageModel
{
    public string? Brewery { get; private set; }
    public IReadOnlyList<StockRow> Rows { get; private set; } = [];
    /// <summary>The beers this person may move and the places, by name (codes are the values sent).</summary>
    public IReadOnlyList<(string Sku, string Name)> Skus { get; private set; } = [];
    public IReadOnlyList<(string Code, string Name)> Locations { get; private set; } = [];
    public IReadOnlyList<LowStockRow> Low { get; private set; } = [];
    public IReadOnlyList<MovementRow> History { get; private set; } = [];

    /// <summary>A beer and a place as people know them (the codes stay beside them on the page).</summary>
    public string BeerName(string sku) => Skus.FirstOrDefault(s => s.Sku == sku).Name ?? sku;
    public string PlaceName(string? code) => code is null ? "" : Locations.FirstOrDefault(l => l.Code == code).Name ?? code;
    /// <summary>The COOP fridges' sales of the last eight weeks (a brewer: its own beers).</summary>
    public IReadOnlyList<FridgeWeek> FridgeSales { get; private set; } = [];
    /// <summary>Lots exposed to heat that nobody decided on yet (a brewer: its own beers').</summary>
    public IReadOnlyList<ExposureView> Exposed { get; private set; } = [];
    /// <summary>Counts that disagreed with what the shelf should hold, not reviewed yet (a brewer: its own beers').</summary>
    public IReadOnlyList<Discrepancy> ToReview { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var caller = Caller.From(User);
        Brewery = User.FindFirst(Roles.BrewerySlugClaim)?.Value;
        // A brewer's own beers wherever they stand (the API's "my stock everywhere").
        Rows = await stock.LevelsAsync(caller, caller.IsLead ? null : Brewery, null, null, null, ct);
        // The beers this person may move: a brewer its own brewery's (the lead any).
        Skus = caller.IsLead || Brewery is not null
            ? (await catalogue.BeersAsync(caller.IsLead ? null : Brewery, ct)).Select(b => (b.Sku, b.Name)).OrderBy(b => b.Name, StringComparer.Ordinal).ToList() : [];
        Locations = (await catalogue.LocationsAsync(null, null, ct)).Select(l => (l.Code, l.Name)).OrderBy(l => l.Name, StringComparer.Ordinal).ToList();
        Low = await stock.LowAsync(caller, null, ct);
        History = (await stock.MovementsAsync(caller, new MovementFilter(Limit: 20), ct)).Items;
        FridgeSales = await sales.FridgeWeeksAsync(caller, 8, ct);
        ToReview = await stock.DiscrepanciesAsync(caller, unreviewedOnly: true, ct);
        Exposed = await exposures.ListAsync(caller, undecidedOnly: true, ct);
    }
}
