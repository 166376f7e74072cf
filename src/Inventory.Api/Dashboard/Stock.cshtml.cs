using Inventory.Api.Auth;
using Inventory.Api.Catalogue;
using Inventory.Api.Sales;
using Inventory.Api.Stock;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

/// <summary>A brewer's beers by location and format (cases + units), and the form to record a movement.</summary>
public sealed class StockModel(StockQueries stock, CatalogueQueries catalogue, SalesQueries sales, Exposures exposures, Infrastructure.TableCalendar calendar) : PageModel
{
    public const int HistoryPage = 20;

    public string? Brewery { get; private set; }
    public IReadOnlyList<StockRow> Rows { get; private set; } = [];
    /// <summary>The beers this person may move and the places, by name (codes are the values sent).</summary>
    public IReadOnlyList<(string Sku, string Name)> Skus { get; private set; } = [];
    public IReadOnlyList<(string Code, string Name)> Locations { get; private set; } = [];
    public IReadOnlyList<LowStockRow> Low { get; private set; } = [];
    public IReadOnlyList<MovementRow> History { get; private set; } = [];
    /// <summary>The history's filters as the query string gave them (<c>biere</c>, <c>lieu</c>, <c>sorte</c>, <c>du</c>, <c>au</c>), and the next page's cursor.</summary>
    public (string? Sku, string? Place, string? Kind, DateOnly? From, DateOnly? To) Filter { get; private set; }
    public string? NextPage { get; private set; }
    /// <summary>The levels as they stood at the end of that day (<c>le</c>); null: now.</summary>
    public DateOnly? AsOf { get; private set; }

    /// <summary>A beer and a place as people know them (the codes stay beside them on the page).</summary>
    public string BeerName(string sku) => Skus.FirstOrDefault(s => s.Sku == sku).Name ?? sku;
    public string PlaceName(string? code) => code is null ? "" : Locations.FirstOrDefault(l => l.Code == code).Name ?? code;
    /// <summary>The COOP fridges' sales of the last eight weeks (a brewer: its own beers).</summary>
    public IReadOnlyList<FridgeWeek> FridgeSales { get; private set; } = [];
    /// <summary>Lots exposed to heat that nobody decided on yet (a brewer: its own beers').</summary>
    public IReadOnlyList<ExposureView> Exposed { get; private set; } = [];
    /// <summary>Counts that disagreed with what the shelf should hold, not reviewed yet (a brewer: its own beers').</summary>
    public IReadOnlyList<Discrepancy> ToReview { get; private set; } = [];

    /// <summary>The address of the history's next page: the same filters, below the last row shown.</summary>
    public string NextPageUrl => "/stock" + QueryString.Create(new Dictionary<string, string?>
    {
        ["biere"] = Filter.Sku, ["lieu"] = Filter.Place, ["sorte"] = Filter.Kind, ["du"] = Filter.From?.ToString("yyyy-MM-dd"), ["au"] = Filter.To?.ToString("yyyy-MM-dd"),
        ["suite"] = NextPage,
    }.Where(p => p.Value is not null)).ToUriComponent() + "#history";

    public async Task OnGetAsync(string? biere, string? lieu, string? sorte, DateOnly? du, DateOnly? au, string? suite, DateOnly? le, CancellationToken ct)
    {
        var caller = Caller.From(User);
        Brewery = User.FindFirst(Roles.BrewerySlugClaim)?.Value;
        // A brewer's own beers wherever they stand (the API's "my stock everywhere"), now or at the end of a past day.
        AsOf = le is { } day && day < calendar.Today ? day : null;
        Rows = await stock.LevelsAsync(caller, caller.IsLead ? null : Brewery, null, null, AsOf is { } asOf ? calendar.StartOf(asOf.AddDays(1)) : null, ct);
        // The beers this person may move: a brewer its own brewery's (the lead any).
        Skus = caller.IsLead || Brewery is not null
            ? (await catalogue.BeersAsync(caller.IsLead ? null : Brewery, ct)).Select(b => (b.Sku, b.Name)).OrderBy(b => b.Name, StringComparer.Ordinal).ToList() : [];
        Locations = (await catalogue.LocationsAsync(null, null, ct)).Select(l => (l.Code, l.Name)).OrderBy(l => l.Name, StringComparer.Ordinal).ToList();
        Low = await stock.LowAsync(caller, null, ct);
        // The history, filtered and paged as the API pages it (what a filter or cursor the API would refuse names nothing here: ignored).
        Filter = (Skus.Any(b => b.Sku == biere) ? biere : null, Locations.Any(l => l.Code == lieu) ? lieu : null,
            sorte is not null && MovementKinds.Recorded.Contains(sorte) ? sorte : null, du, au);
        var filter = new MovementFilter(Filter.Sku, Filter.Place, Filter.Kind, du is { } from ? calendar.StartOf(from) : null, au is { } to ? calendar.StartOf(to.AddDays(1)) : null,
            suite is not null && MovementFilter.DecodeCursor(suite) is not null ? suite : null, HistoryPage);
        var page = await stock.MovementsAsync(caller, filter, ct);
        (History, NextPage) = (page.Items, page.NextCursor);
        FridgeSales = await sales.FridgeWeeksAsync(caller, 8, ct);
        ToReview = await stock.DiscrepanciesAsync(caller, unreviewedOnly: true, ct);
        Exposed = await exposures.ListAsync(caller, undecidedOnly: true, ct);
    }
}
