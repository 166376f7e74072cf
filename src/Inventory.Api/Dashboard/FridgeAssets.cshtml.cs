using Inventory.Api.Catalogue;
using Inventory.Api.Infrastructure;
using Inventory.Api.Table;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Inventory.Api.Dashboard;

/// <summary>
/// The lead's register of the COOP fridges the Table bought: registering one (serial, model, cost, funding,
/// the device inside it) and placing it somewhere, which is what the funder report counts.
/// </summary>
public sealed class FridgeAssetsModel(FridgeAssets assets, CatalogueQueries catalogue, TableCalendar calendar) : PageModel
{
    public IReadOnlyList<AssetView> Assets { get; private set; } = [];
    /// <summary>Fridge devices no bought fridge holds yet.</summary>
    public IReadOnlyList<string> FreeDevices { get; private set; } = [];
    /// <summary>Where a fridge may stand: the shared places (venues, stores, festival kiosks).</summary>
    public IReadOnlyList<Location> Places { get; private set; } = [];
    public DateOnly Today { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Today = calendar.Today;
        Assets = await assets.ListAsync(Today, ct);
        var taken = Assets.Select(a => a.DeviceId).OfType<string>().ToHashSet();
        FreeDevices = (await catalogue.DevicesAsync(ct)).Where(d => d.Kind == "fridge" && !taken.Contains(d.DeviceId)).Select(d => d.DeviceId).Order().ToList();
        Places = (await catalogue.LocationsAsync(null, null, ct)).Where(l => LocationKinds.Shared.Contains(l.Kind)).OrderBy(l => l.Name, StringComparer.Ordinal).ToList();
    }
}
