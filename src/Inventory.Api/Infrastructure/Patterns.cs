using System.Text.RegularExpressions;
using FrigoCoop.Telemetry;

namespace Inventory.Api.Infrastructure;

/// <summary>
/// The shapes of the codes the API accepts, each defined once: the pattern, the check and the words of
/// the refusal come from the same constant.
/// </summary>
public static partial class Patterns
{
    public const string SlugPattern = "^[a-z0-9][a-z0-9-]{1,62}$";
    public const string SkuPattern = TelemetryLimits.SkuPattern;
    public const string DeviceIdPattern = TelemetryLimits.DeviceIdPattern;
    /// <summary>A kiosk's own code, short because the kiosk's ledger place is named festival-code + "-" + kiosk-code.</summary>
    public const string KioskCodePattern = "^[a-z0-9][a-z0-9-]{0,30}$";

    public const string MustBeSlug = "must match " + SlugPattern;
    public const string MustBeSku = "must match " + SkuPattern;
    public const string MustBeDeviceId = "must match " + DeviceIdPattern;
    public const string MustBeKioskCode = "must match " + KioskCodePattern;

    [GeneratedRegex(SlugPattern)] public static partial Regex Slug();
    [GeneratedRegex(SkuPattern)] public static partial Regex Sku();
    [GeneratedRegex(DeviceIdPattern)] public static partial Regex DeviceId();
    [GeneratedRegex(KioskCodePattern)] public static partial Regex KioskCode();
}
