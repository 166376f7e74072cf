using System.Text.RegularExpressions;
using FrigoCoop.Telemetry;

namespace Inventory.Api.Infrastructure;

/// <summary>
/// The shapes of the codes the API accepts, each defined once: the pattern, the check and the words of
/// the refusal come from the same constant.
/// </summary>
public static partial class Patterns
{
    // Each check is its pattern with TelemetryLimits.NothingAfter: .NET's $ alone lets a final newline through.
    public const string SlugPattern = "^[a-z0-9][a-z0-9-]{1,62}$";
    public const string SkuPattern = TelemetryLimits.SkuPattern;
    public const string DeviceIdPattern = TelemetryLimits.DeviceIdPattern;
    /// <summary>A kiosk's own code, short because the kiosk's ledger place is named festival-code + "-" + kiosk-code.</summary>
    public const string KioskCodePattern = "^[a-z0-9][a-z0-9-]{0,30}$";

    // The refusals say the shape in words (a person reads them next to the field), the pattern in brackets.
    public const string MustBeSlug = "must be 2 to 63 characters: lower-case letters, digits and '-', starting with a letter or digit (" + SlugPattern + ")";
    public const string MustBeSku = "must be 3 to 40 characters: capital letters, digits and '-', like STFUT-IPA-355 (" + SkuPattern + ")";
    public const string MustBeDeviceId = "must be 3 to 64 characters: lower-case letters, digits and '-', like fridge-quai-01 (" + DeviceIdPattern + ")";
    public const string MustBeKioskCode = "must be 1 to 31 characters: lower-case letters, digits and '-', like k1 (" + KioskCodePattern + ")";

    public const string UsernamePattern = "^[a-z0-9][a-z0-9._-]{1,62}$";
    [GeneratedRegex(UsernamePattern + TelemetryLimits.NothingAfter)] public static partial Regex Username();

    [GeneratedRegex(SlugPattern + TelemetryLimits.NothingAfter)] public static partial Regex Slug();
    [GeneratedRegex(SkuPattern + TelemetryLimits.NothingAfter)] public static partial Regex Sku();
    [GeneratedRegex(DeviceIdPattern + TelemetryLimits.NothingAfter)] public static partial Regex DeviceId();
    [GeneratedRegex(KioskCodePattern + TelemetryLimits.NothingAfter)] public static partial Regex KioskCode();
}
