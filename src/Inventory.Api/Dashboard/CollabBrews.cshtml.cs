using Collab.Brew;
using Inventory.Api.Auth;
using Inventory.Api.Catalogue;
using Inventory.Api.Collab;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

/// <summary>
/// Collab brews: status, partners, the split of the output and the settlement (a brewer sees its brewery's);
/// the lead plans one, records contributions, moves it along its life and records its packaging run.
/// </summary>
public sealed class CollabBrewsModel(CollabQueries collab, CatalogueQueries catalogue) : PageModel
{
    public IReadOnlyList<(CollabBrewView Brew, SettlementView? Settlement)> Brews { get; private set; } = [];

    /// <summary>
    /// Each beer-taking partner's part of a packaged brew, by brew and partner: the SKU it is booked under (a member
    /// brewery's part is a beer of its own, docs/collab-brews.md) and its units — what the partner prices and restocks.
    /// </summary>
    public IReadOnlyDictionary<(string Brew, string Partner), string> Parts { get; private set; } = new Dictionary<(string, string), string>();
    public bool IsLead { get; private set; }
    public IReadOnlyList<(string Slug, string Name)> Breweries { get; private set; } = [];
    /// <summary>Where a brew is made or a partner's beer goes: the breweries' own places and the warehouses.</summary>
    public IReadOnlyList<Location> Places { get; private set; } = [];
    public IReadOnlyList<string> Formats { get; } = [.. PackageFormats.All];
    public static readonly string[] ContributionKinds = ["cash", "ingredient", "labour", "host_fee", "design"];

    /// <summary>The steps a brew may take from where it is (packaged only by its packaging run).</summary>
    public static IEnumerable<string> NextStatuses(string status) =>
        Lifecycle.TryParse(status, out var from)
            ? Enum.GetValues<BrewStatus>().Where(to => to != BrewStatus.Packaged && Lifecycle.IsAllowed(from, to)).Select(Lifecycle.Name)
            : [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var caller = Caller.From(User);
        IsLead = caller.Role == Roles.Lead;
        var brews = (await collab.VisibleAsync(caller, ct)).Select(brew => (Brew: brew, Settlement: CollabQueries.Settlement(brew))).ToList();
        Brews = brews.Select(b => (b.Brew.View(), b.Settlement)).ToList();
        Parts = brews.SelectMany(b => (b.Settlement?.Split ?? []).Select(a => (b.Brew, Allotment: a)))
            .GroupBy(x => (x.Brew.Code, x.Allotment.PartnerKey))
            .ToDictionary(g => g.Key, g => string.Join(", ", g.Select(x =>
                $"{LedgerPlan.ShareSku(x.Allotment.Sku, x.Brew.Partners.Single(p => p.Key == x.Allotment.PartnerKey), x.Brew.HostKey ?? "")} × {x.Allotment.Units}")));
        if (!IsLead) return;
        Breweries = (await catalogue.BreweriesAsync(ct)).Select(b => (b.Slug, b.Name)).ToList();
        Places = (await catalogue.LocationsAsync(null, null, ct)).Where(l => l.Kind is LocationKinds.Brewery or LocationKinds.Warehouse)
            .OrderBy(l => l.Name, StringComparer.Ordinal).ToList();
    }
}
