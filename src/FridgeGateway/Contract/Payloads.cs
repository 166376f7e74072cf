using System.Text.Json;
using System.Text.Json.Serialization;

namespace FridgeGateway.Contract;

// Wire shapes of telemetry contract v1. Every field is nullable so that a missing required field is
// reported by name instead of defaulting to zero; System.Text.Json rejects wrong types with the path.

internal sealed class TelemetryPayload
{
    public long? Seq { get; set; }
    public string? Ts { get; set; }
    /// <summary><c>ts</c> already read, when the fast path found it in the firmware's own form (then <see cref="Ts"/> is null).</summary>
    [JsonIgnore]
    public DateTimeOffset? FirmwareTs { get; set; }
    public double? TempC { get; set; }
    public double? AmbientC { get; set; }
    public bool? DoorOpen { get; set; }
    public bool? CompressorOn { get; set; }
    public double? PowerW { get; set; }
    public bool? OnBattery { get; set; }
    public double? BatteryPct { get; set; }
    public double? Rssi { get; set; }
    public double? Lat { get; set; }
    public double? Lon { get; set; }

    /// <summary>Every field back to absent, for the fast path's next reading.</summary>
    public void Clear()
    {
        (Seq, Ts, FirmwareTs, TempC, AmbientC, DoorOpen, CompressorOn) = (null, null, null, null, null, null, null);
        (PowerW, OnBattery, BatteryPct, Rssi, Lat, Lon) = (null, null, null, null, null, null);
    }
}

internal sealed class EventPayload
{
    public long? Seq { get; set; }
    public string? Ts { get; set; }
    public string? Type { get; set; }
    public string? Detail { get; set; }
}

internal sealed class StockPayload
{
    public long? Seq { get; set; }
    public string? Ts { get; set; }
    public List<StockItemPayload?>? Items { get; set; }
}

internal sealed class StockItemPayload
{
    public string? Sku { get; set; }
    public int? Units { get; set; }
}

internal sealed class SalePayload
{
    public long? Seq { get; set; }
    public string? Ts { get; set; }
    public string? SaleId { get; set; }
    public List<SaleLinePayload?>? Lines { get; set; }
    public string? Payment { get; set; }
}

internal sealed class SaleLinePayload
{
    public string? Sku { get; set; }
    public int? Units { get; set; }
    public long? UnitPriceCents { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    AllowDuplicateProperties = false,
    ReadCommentHandling = JsonCommentHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(TelemetryPayload))]
[JsonSerializable(typeof(EventPayload))]
[JsonSerializable(typeof(StockPayload))]
[JsonSerializable(typeof(SalePayload))]
internal sealed partial class ContractJsonContext : JsonSerializerContext;
