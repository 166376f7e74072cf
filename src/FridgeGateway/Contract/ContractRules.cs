using System.Text.RegularExpressions;
using FrigoCoop.Telemetry;

namespace FridgeGateway.Contract;

/// <summary>The identifiers and limits of telemetry contract v1 (the limits the API shares: <see cref="TelemetryLimits"/>).</summary>
public static partial class ContractRules
{
    /// <summary>Payloads are UTF-8 JSON objects of at most 16 KiB.</summary>
    public const int MaxPayloadBytes = TelemetryLimits.MaxPayloadBytes;

    public static bool IsDeviceId(string value) => DeviceIdPattern().IsMatch(value);

    public static bool IsDeviceId(ReadOnlySpan<char> value) => DeviceIdPattern().IsMatch(value);

    public static bool IsSku(string value) => SkuPattern().IsMatch(value);

    [GeneratedRegex(TelemetryLimits.DeviceIdPattern + TelemetryLimits.NothingAfter, RegexOptions.CultureInvariant)]
    private static partial Regex DeviceIdPattern();

    [GeneratedRegex(TelemetryLimits.SkuPattern + TelemetryLimits.NothingAfter, RegexOptions.CultureInvariant)]
    private static partial Regex SkuPattern();

    public static readonly IReadOnlySet<string> EventTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "door_opened", "door_closed", "power_lost", "power_restored",
        "defrost_started", "defrost_ended", "restocked", "rebooted",
    };
}
