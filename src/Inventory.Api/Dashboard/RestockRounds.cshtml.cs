using Inventory.Api.Auth;
using Inventory.Api.Catalogue;
using Inventory.Api.Stock;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

/// <summary>
/// Restocking rounds on a phone: what each COOP fridge needs to be back to par, making a round from it,
/// and ticking each line as it goes into the fridge (a brewer: its own beers and rounds).
/// </summary>
public sealed class RestockRoundsModel(StockQueries stock, RestockRounds rounds, RestockRoutes routes, CatalogueQueries catalogue) : PageModel
{
    public IReadOnlyList<RestockLine> Needed { get; private set; } = [];
    public IReadOnlyList<RoundView> Rounds { get; private set; } = [];
    /// <summary>The places a round may leave from: the caller's brewery's own (the lead: every brewery's).</summary>
    public IReadOnlyList<Location> Sources { get; private set; } = [];
    public IReadOnlyList<Brewery> Breweries { get; private set; } = [];
    public bool IsLead { get; private set; }
    /// <summary>The routes the caller may use, and the one chosen (?route=), whose fridges alone the list holds.</summary>
    public IReadOnlyList<RouteView> Routes { get; private set; } = [];
    public RouteView? Route { get; private set; }
    /// <summary>Every COOP fridge, to name a route's.</summary>
    public IReadOnlyList<Location> Fridges { get; private set; } = [];
    /// <summary>The fridge being counted by hand (?compter=), and the beers the caller counts there: its own (the lead: every one).</summary>
    public Location? CountFridge { get; private set; }
    /// <summary>The fridges one may count: the chosen route's, or every one.</summary>
    public IEnumerable<Location> CountableFridges => Route is null ? Fridges : Fridges.Where(f => Route.Fridges.Any(r => r.Code == f.Code));
    public IReadOnlyList<(string Sku, string BeerName, int Ledger)> CountBeers { get; private set; } = [];

    public async Task OnGetAsync(long? route, string? compter, CancellationToken ct)
    {
        var caller = Caller.From(User);
        IsLead = caller.IsLead;
        Routes = await routes.ListAsync(caller, ct);
        Route = Routes.FirstOrDefault(r => r.Id == route);
        Needed = (await stock.RestockAsync(caller, null, ct)).Where(l => Route is null || Route.Fridges.Any(f => f.Code == l.Fridge)).ToList();
        Fridges = (await catalogue.LocationsAsync(LocationKinds.CoopFridge, null, ct)).OrderBy(l => l.Name, StringComparer.Ordinal).ToList();
        Rounds = await rounds.HistoryAsync(caller, 5, ct);
        Sources = (await catalogue.LocationsAsync(null, null, ct))
            .Where(l => l.Kind is LocationKinds.Brewery or LocationKinds.Warehouse && (caller.IsLead || l.Brewery == caller.BrewerySlug)).ToList();
        Breweries = caller.IsLead ? await catalogue.BreweriesAsync(ct) : [];
        CountFridge = Fridges.FirstOrDefault(f => f.Code == compter);
        if (CountFridge is not null)
            CountBeers = (await stock.LevelsAsync(caller, null, CountFridge.Code, null, null, ct))
                .Where(r => caller.IsLead || r.Brewery == caller.BrewerySlug)
                .GroupBy(r => (r.Sku, r.BeerName)).Select(g => (g.Key.Sku, g.Key.BeerName, g.Sum(r => r.Units)))
                .OrderBy(b => b.BeerName, StringComparer.Ordinal).ToList();
    }
}
