namespace FridgeGateway.Contract;

/// <summary>A valid message of telemetry contract v1, with its time decided.</summary>
/// <param name="Timestamp">The device's <c>ts</c>, or the receive time when <c>ts</c> was absent or implausible.</param>
/// <param name="TimestampSubstituted">True when the receive time replaced <c>ts</c>.</param>
public abstract record DeviceMessage(DeviceKind Kind, string DeviceId, long Seq, DateTimeOffset Timestamp, bool TimestampSubstituted)
{
    /// <summary>The idempotency key of contract v1: a device id and a seq name a message uniquely.</summary>
    public string IdempotencyKey => $"{DeviceId}:{Seq}";

    /// <summary>The device's own time of the message, null when the receive time stood in (a redelivery's would differ).</summary>
    public DateTimeOffset? DeviceTime => TimestampSubstituted ? null : Timestamp;
}

public sealed record Reading(
    DeviceKind Kind, string DeviceId, long Seq, DateTimeOffset Timestamp, bool TimestampSubstituted,
    double TempC, double? AmbientC, bool? DoorOpen, bool? CompressorOn, double? PowerW, bool? OnBattery,
    double? BatteryPct, double? Rssi, double? Lat, double? Lon)
    : DeviceMessage(Kind, DeviceId, Seq, Timestamp, TimestampSubstituted);

public sealed record DeviceEvent(
    DeviceKind Kind, string DeviceId, long Seq, DateTimeOffset Timestamp, bool TimestampSubstituted,
    string Type, string? Detail)
    : DeviceMessage(Kind, DeviceId, Seq, Timestamp, TimestampSubstituted);

public sealed record StockItem(string Sku, int Units);

public sealed record StockCount(
    DeviceKind Kind, string DeviceId, long Seq, DateTimeOffset Timestamp, bool TimestampSubstituted,
    IReadOnlyList<StockItem> Items)
    : DeviceMessage(Kind, DeviceId, Seq, Timestamp, TimestampSubstituted);

public sealed record SaleLine(string Sku, int Units, long UnitPriceCents);

public sealed record KioskSale(
    DeviceKind Kind, string DeviceId, long Seq, DateTimeOffset Timestamp, bool TimestampSubstituted,
    string SaleId, IReadOnlyList<SaleLine> Lines, string? Payment)
    : DeviceMessage(Kind, DeviceId, Seq, Timestamp, TimestampSubstituted);

/// <summary>The retained online/offline status of a device (its MQTT will is <c>offline</c>). It has no seq.</summary>
public sealed record DeviceStatus(string DeviceId, bool Online, DateTimeOffset ReceivedAt);
