using System.Text.Json;
using Inventory.Api.Catalogue;
using Inventory.Api.Festivals;
using Inventory.Api.Localisation;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Inventory.Api.Dashboard;

/// <summary>The lead's festival planner: festivals, kiosks, devices on kiosks, the suggested allocation.</summary>
public sealed class FestivalsModel(FestivalQueries festivalQueries, CatalogueQueries catalogue, IStringLocalizer<PageText> localizer) : PageModel
{
    private readonly Dictionary<string, IReadOnlyList<SuggestedPar>> _suggested = [];

    public IReadOnlyList<FestivalView> Festivals { get; private set; } = [];
    public IReadOnlyList<(string Slug, string Name)> Breweries { get; private set; } = [];
    public IReadOnlyList<string> Devices { get; private set; } = [];
    /// <summary>Where unsold beer goes back after a festival: the breweries and warehouses.</summary>
    public IReadOnlyList<(string Code, string Name)> ReturnPlaces { get; private set; } = [];
    public string TimelineSvg { get; private set; } = "";
    private Dictionary<string, string> _beerNames = [];

    /// <summary>A beer as people know it (its SKU stays beside it on the page).</summary>
    public string BeerName(string sku) => _beerNames.GetValueOrDefault(sku, sku);
    public string BreweryName(string slug) => Breweries.FirstOrDefault(b => b.Slug == slug).Name ?? slug;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var festivals = await festivalQueries.AllAsync(ct);
        Festivals = festivals;
        Breweries = (await catalogue.BreweriesAsync(ct)).Select(b => (b.Slug, b.Name)).ToList();
        _beerNames = (await catalogue.BeersAsync(null, ct)).ToDictionary(b => b.Sku, b => b.Name);
        Devices = (await catalogue.DevicesAsync(ct)).Select(d => d.DeviceId).ToList();
        ReturnPlaces = (await catalogue.LocationsAsync(null, null, ct)).Where(l => l.Kind is LocationKinds.Brewery or LocationKinds.Warehouse)
            .OrderBy(l => l.Name, StringComparer.Ordinal).Select(l => (l.Code, l.Name)).ToList();
        TimelineSvg = PlacementTimeline.Render(await festivalQueries.DevicePlacementsAsync(ct), localizer);
        foreach (var festival in festivals.Where(f => f.Kiosks.Count > 0))
            if (await festivalQueries.SuggestedAsync(festival, null, ct) is { } suggested) _suggested[festival.Code] = suggested;
    }

    /// <summary>
    /// The allocation as the lead edits it: every kiosk × SKU that is allocated or suggested, with its
    /// current par level and the suggestion beside it.
    /// </summary>
    public IReadOnlyList<AllocationEdit> AllocationRows(FestivalView festival)
    {
        var suggested = _suggested.GetValueOrDefault(festival.Code, []);
        return festival.Allocation.Select(a => (a.Kiosk, a.Sku)).Union(suggested.Select(s => (s.Kiosk, s.Sku)))
            .Select(key => new AllocationEdit(key.Kiosk, key.Sku,
                festival.Allocation.FirstOrDefault(a => a.Kiosk == key.Kiosk && a.Sku == key.Sku)?.ParUnits,
                suggested.FirstOrDefault(s => s.Kiosk == key.Kiosk && s.Sku == key.Sku)?.ParUnits))
            .OrderBy(r => r.Kiosk, StringComparer.Ordinal).ThenBy(r => r.Sku, StringComparer.Ordinal).ToList();
    }

    public string SuggestedJson(string code) => JsonSerializer.Serialize(
        _suggested.GetValueOrDefault(code, []).Select(s => new { kiosk = s.Kiosk, sku = s.Sku, parUnits = s.ParUnits }));

    public string SuggestedSummary(string code, IStringLocalizer<PageText> L) => _suggested.GetValueOrDefault(code) is { Count: > 0 } s
        ? L["{0} unités, {1} bières ({2})", s.Sum(x => x.ParUnits), s.Select(x => x.Sku).Distinct().Count(), s[0].Basis]
        : L["aucune (pas de bière chez les brasseries participantes)"];
}

/// <summary>One kiosk × SKU line of the allocation editor.</summary>
public sealed record AllocationEdit(string Kiosk, string Sku, int? ParUnits, int? Suggested);
