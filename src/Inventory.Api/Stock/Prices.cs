namespace Inventory.Api.Stock;

/// <summary>What a unit price may be, wherever a sale carries one (device reports, tour and kiosk sales).</summary>
public static class Prices
{
    /// <summary>A unit price above this ($10,000) is not a beer's: refused, so no revenue sum can overflow (the devices' contract says the same).</summary>
    public const long MaxUnitPriceCents = FrigoCoop.Telemetry.TelemetryLimits.MaxUnitPriceCents;
}
