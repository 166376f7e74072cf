using Inventory.Api.Auth;
using Inventory.Api.Catalogue;
using Inventory.Api.Infrastructure;
using Inventory.Api.Prices;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

/// <summary>
/// The price list on the phone: the prices in force and to come of the caller's beers (the lead: every beer),
/// setting a price from a day (it supersedes the one in force) and ending one. The API decides who may change what.
/// </summary>
public sealed class PricesModel(PriceQueries prices, CatalogueQueries catalogue, TableCalendar calendar) : PageModel
{
    /// <summary>The beers the caller may price: its own (the lead: all), by name.</summary>
    public IReadOnlyList<(string Sku, string Name)> Beers { get; private set; } = [];
    /// <summary>Prices in force today or later, by beer and channel.</summary>
    public IReadOnlyList<Price> Current { get; private set; } = [];
    public DateOnly Today => calendar.Today;

    public string BeerName(string sku) => Beers.FirstOrDefault(b => b.Sku == sku).Name ?? sku;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var caller = Caller.From(User);
        Beers = (await catalogue.BeersAsync(caller.OnlyBrewerySlug, ct)).Select(b => (b.Sku, b.Name)).OrderBy(b => b.Name, StringComparer.Ordinal).ToList();
        var own = Beers.Select(b => b.Sku).ToHashSet(StringComparer.Ordinal);
        Current = (await prices.ListAsync(caller, new PriceFilter(), ct))
            .Where(p => own.Contains(p.Sku) && (p.ValidTo is null || p.ValidTo >= Today)).ToList();
    }
}
