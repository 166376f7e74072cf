using System.Globalization;
using System.Net;
using System.Text;
using Inventory.Api.Auth;
using Inventory.Api.Grocery;
using Inventory.Api.Infrastructure;
using Inventory.Api.Localisation;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Inventory.Api.Dashboard;

/// <summary>The grocery pilot: placements per store and how they sell, stores out of stock, weekly sales per SKU.</summary>
public sealed class GroceryModel(GroceryQueries grocery, Catalogue.CatalogueQueries catalogue, TableCalendar calendar) : PageModel
{
    /// <summary>The lead places beers and reports a store's week (the API's rights); the forms are the lead's only.</summary>
    public bool IsLead { get; private set; }
    public IReadOnlyList<(string Sku, string Name)> Beers { get; private set; } = [];

    /// <summary>A beer as people know it (its SKU stays beside it on the page).</summary>
    public string BeerName(string sku) => Beers.FirstOrDefault(b => b.Sku == sku).Name ?? sku;
    public IReadOnlyList<(string Code, string Name)> Stores { get; private set; } = [];
    /// <summary>The beers placed in each store now: what a week's report lists.</summary>
    public IReadOnlyList<(string Store, string StoreName, IReadOnlyList<string> Skus)> Shelves { get; private set; } = [];
    public DateOnly Today { get; private set; }

    public IReadOnlyList<PlacementPerformance> Performance { get; private set; } = [];
    public IReadOnlyList<(string Sku, string Store)> OutOfStock { get; private set; } = [];
    /// <summary>Each beer's grocery sales (every store the caller may see) per Québec week, the last twelve.</summary>
    public IReadOnlyList<(string Sku, IReadOnlyList<(string Week, long Units)> Weeks)> WeeklySales { get; private set; } = [];

    /// <summary>Weekly sales of a SKU as SVG bars, drawn on the server like the fridge chart.</summary>
    public static string WeeklyChart(string sku, IReadOnlyList<(string Week, long Units)> weeks, IStringLocalizer<PageText> L)
    {
        var max = Math.Max(1, weeks.Max(w => w.Units));
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg class="chart sell-through" viewBox="0 0 {weeks.Count * 60 + 20} 140" width="{weeks.Count * 60 + 20}" height="140" role="img" aria-label="{WebUtility.HtmlEncode(L["Ventes hebdomadaires de {0}", sku])}">""");
        for (var i = 0; i < weeks.Count; i++)
        {
            var h = 100.0 * weeks[i].Units / max;
            svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{10 + i * 60}" y="{110 - h:0.#}" width="40" height="{h:0.#}" fill="#12355b"><title>{weeks[i].Week} : {weeks[i].Units}</title></rect>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{30 + i * 60}" y="128" text-anchor="middle" font-size="10">{weeks[i].Week}</text><text x="{30 + i * 60}" y="{105 - h:0.#}" text-anchor="middle" font-size="10">{weeks[i].Units}</text>""");
        }
        return svg.Append("</svg>").ToString();
    }

    public async Task OnGetAsync(CancellationToken ct)
    {
        // A brewer sees the grocery figures of his own beers only (rule "Each brewery sees its own").
        var caller = Caller.From(User);
        Performance = await grocery.PerformanceAsync(caller, 4, null, ct);
        OutOfStock = Performance.Where(p => p.OutOfStock).Select(p => (p.Sku, p.Store)).ToList();
        var today = calendar.Today;
        WeeklySales = (await grocery.WeeksAsync(caller, TableCalendar.MondayOf(today).AddDays(-7 * 11), today, ct))
            .GroupBy(w => w.Sku).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<(string, long)>)g.GroupBy(w => w.WeekOf).OrderBy(w => w.Key)
                .Select(w => (w.Key.ToString("MM-dd", CultureInfo.InvariantCulture), w.Sum(x => x.Units))).ToList()))
            .ToList();
        IsLead = caller.IsLead;
        Beers = (await catalogue.BeersAsync(null, ct)).Select(b => (b.Sku, b.Name)).OrderBy(b => b.Name, StringComparer.Ordinal).ToList();
        if (!IsLead) return;
        Today = today;
        Stores = (await catalogue.LocationsAsync(Catalogue.LocationKinds.GroceryStore, null, ct)).Select(l => (l.Code, l.Name)).OrderBy(l => l.Name, StringComparer.Ordinal).ToList();
        var placed = (await grocery.PlacementsAsync(caller, null, ct)).Where(p => p.StartsOn <= Today && (p.EndsOn is null || p.EndsOn >= Today.AddDays(-7)));
        Shelves = Stores.Select(s => (s.Code, s.Name, (IReadOnlyList<string>)placed.Where(p => p.Store == s.Code).Select(p => p.Sku).Distinct().Order().ToList()))
            .Where(s => s.Item3.Count > 0).ToList();
    }
}
