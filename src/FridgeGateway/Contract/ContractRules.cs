using System.Text.RegularExpressions;

namespace FridgeGateway.Contract;

/// <summary>The identifiers and limits of telemetry contract v1.</summary>
public static partial class ContractRules
{
    /// <summary>Payloads are UTF-8 JSON objects of at most 16 KiB.</summary>
    public const int MaxPayloadBytes = 16 * 1024;

    public static bool IsDeviceId(string value) => DeviceIdPattern().IsMatch(value);

    public static bool IsSku(string value) => SkuPattern().IsMatch(value);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{2,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex DeviceIdPattern();

    [GeneratedRegex("^[A-Z0-9][A-Z0-9-]{2,39}$", RegexOptions.CultureInvariant)]
    private static partial Regex SkuPattern();

    public static readonly IReadOnlySet<string> EventTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "door_opened", "door_closed", "power_lost", "power_restored",
        "defrost_started", "defrost_ended", "restocked", "rebooted",
    };
}
