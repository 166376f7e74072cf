using Inventory.Api.Catalogue;
using Inventory.Api.Provisioning;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Inventory.Api.Dashboard;

/// <summary>
/// The lead's devices: registering a fridge's or a kiosk's controller and where it stands, giving it its
/// broker password (shown once, with the configuration to copy into its flash) and taking it back.
/// </summary>
public sealed class DevicesModel(CatalogueQueries catalogue, ProvisioningQueries provisioning, IOptions<BrokerOptions> broker) : PageModel
{
    public IReadOnlyList<Device> Devices { get; private set; } = [];
    public IReadOnlyDictionary<string, CredentialState> Credentials { get; private set; } = new Dictionary<string, CredentialState>();
    public IReadOnlyDictionary<string, Location> Places { get; private set; } = new Dictionary<string, Location>();
    public bool CanProvision => broker.Value.Enabled;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Devices = await catalogue.DevicesAsync(ct);
        Credentials = (await provisioning.StatesAsync(ct)).ToDictionary(c => c.DeviceId);
        Places = (await catalogue.LocationsAsync(null, null, ct)).ToDictionary(l => l.Code);
    }

    /// <summary>A place as people know it, its code beside.</summary>
    public string PlaceName(string? code) => code is null ? "—" : Places.TryGetValue(code, out var place) ? $"{place.Name} ({code})" : code;
}
