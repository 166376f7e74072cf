namespace FrigoCoop.Telemetry;

/// <summary>
/// The shapes and limits of telemetry contract v1 (<c>shared/contracts/telemetry-v1.md</c>) that the
/// gateway and the inventory API both enforce, from this one definition: a device message the gateway
/// accepts (and writes to InfluxDB) is never refused by the API afterwards, and the reverse.
/// </summary>
public static class TelemetryLimits
{
    /// <summary>Payloads are UTF-8 JSON objects of at most 16 KiB (the contract's words).</summary>
    public const int MaxPayloadBytes = 16 * 1024;

    /// <summary>
    /// Appended to a pattern where .NET checks it: .NET's <c>$</c> also matches before a final newline, so
    /// "fridge-01\n" passed <c>^…$</c>. With this, the end is the end. The patterns stay as people (in refusals)
    /// and other regex dialects read them.
    /// </summary>
    public const string NothingAfter = "(?!\n)";

    /// <summary>A device id: lower-case letters, digits and dashes, 3 to 64 characters.</summary>
    public const string DeviceIdPattern = "^[a-z0-9][a-z0-9-]{2,63}$";

    /// <summary>A beer's SKU: upper-case letters, digits and dashes, 3 to 40 characters.</summary>
    public const string SkuPattern = "^[A-Z0-9][A-Z0-9-]{2,39}$";

    /// <summary>The lines of one kiosk sale (a 16 KiB payload holds about 200; a sale at a counter has a few).</summary>
    public const int MaxSaleLines = 100;

    /// <summary>Units of one SKU in one sale line.</summary>
    public const int MinSaleUnits = 1, MaxSaleUnits = 10_000;

    /// <summary>A unit price above this ($10,000) is not a beer's: refused, so no revenue sum can overflow.</summary>
    public const long MaxUnitPriceCents = 1_000_000;

    /// <summary>The SKUs of one shelf count.</summary>
    public const int MaxStockItems = 500;

    /// <summary>Units of one SKU on a counted shelf.</summary>
    public const int MaxCountedUnits = 100_000;

    /// <summary>A sale's own id and its payment method, as the devices write them.</summary>
    public const int MaxSaleIdLength = 100, MaxPaymentLength = 40;
}
