using FrigoCoop.Telemetry;
using Inventory.Api.Infrastructure;
using Inventory.Api.Stock;

namespace Inventory.Api.DeviceReports;

public sealed record SaleLineReport(string? Sku, int? Units, long? UnitPriceCents) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(Sku is not null && Patterns.Sku().IsMatch(Sku), "sku", Patterns.MustBeSku)
        .Require(Units is >= TelemetryLimits.MinSaleUnits and <= TelemetryLimits.MaxSaleUnits, "units", $"must be within {TelemetryLimits.MinSaleUnits}..{TelemetryLimits.MaxSaleUnits}")
        .Require(UnitPriceCents is >= 0 and <= TelemetryLimits.MaxUnitPriceCents, "unitPriceCents", $"must be within 0..{TelemetryLimits.MaxUnitPriceCents}");
}

public sealed record SaleReport(string? DeviceId, long? Seq, DateTimeOffset? Ts, string? SaleId, List<SaleLineReport?>? Lines, string? Payment, bool? TsSubstituted) : IValidatable
{
    public void Validate(Validator v) => DeviceReport.Validate(v, DeviceId, Seq, Ts)
        .Require(!string.IsNullOrWhiteSpace(SaleId) && SaleId.Length <= TelemetryLimits.MaxSaleIdLength, "saleId", $"is required (at most {TelemetryLimits.MaxSaleIdLength} characters)")
        .Require(Payment is null || Payment.Length <= TelemetryLimits.MaxPaymentLength, "payment", $"must be at most {TelemetryLimits.MaxPaymentLength} characters")
        .Require(Lines is { Count: > 0 and <= TelemetryLimits.MaxSaleLines }, "lines", $"must have 1 to {TelemetryLimits.MaxSaleLines} lines")
        .EachOf(Lines, "lines");
}

public sealed record StockItemReport(string? Sku, int? Units) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(Sku is not null && Patterns.Sku().IsMatch(Sku), "sku", Patterns.MustBeSku)
        .Require(Units is >= 0 and <= TelemetryLimits.MaxCountedUnits, "units", $"must be within 0..{TelemetryLimits.MaxCountedUnits}");
}

public sealed record StockCountReport(string? DeviceId, long? Seq, DateTimeOffset? Ts, List<StockItemReport?>? Items, bool? TsSubstituted) : IValidatable
{
    public void Validate(Validator v) => DeviceReport.Validate(v, DeviceId, Seq, Ts)
        .Require(Items is { Count: <= TelemetryLimits.MaxStockItems }, "items", $"is required (at most {TelemetryLimits.MaxStockItems} items; an empty list is an empty fridge)")
        .EachOf(Items, "items");
}

public sealed record SaleRecorded(string DeviceId, long Seq, string Location, IReadOnlyList<PostedMovement> Movements, int Shortfall);
public sealed record CountReconciled(string DeviceId, long Seq, string Location, IReadOnlyList<CountLine> Lines);
/// <param name="Adjustment">Counted − ledger.</param>
/// <param name="Sold">At a fridge: the units gone since, recorded as sales.</param>
/// <param name="Discrepancy">Why the count disagrees with the ledger, when it is a discrepancy (recorded for review).</param>
public sealed record CountLine(string Sku, int LedgerUnits, int CountedUnits, int Adjustment, int Sold, string? Discrepancy);

/// <summary>What every device report carries: who, which message, when; and the key that makes it once.</summary>
public static class DeviceReport
{
    public static Validator Validate(Validator v, string? deviceId, long? seq, DateTimeOffset? ts) => v
        .Require(deviceId is not null && Patterns.DeviceId().IsMatch(deviceId), "deviceId", Patterns.MustBeDeviceId)
        .Require(seq is >= 0, "seq", "is required, an integer >= 0")
        .Require(ts is not null, "ts", "is required (RFC 3339)");

    /// <summary>
    /// What makes a device's message once: its device, its <c>seq</c> and, when the device gave it, its <c>ts</c>. A
    /// redelivery (MQTT, the device's own buffer, the gateway's spool) repeats all three. A device whose counter
    /// restarted (a reflashed kiosk) repeats a <c>seq</c> with a later time: a new message, not a collision that
    /// would refuse every report of the new epoch. A <c>ts</c> the gateway put in (none or implausible) is the
    /// receive time, which a redelivery changes: such a message is named by its <c>seq</c> alone.
    /// </summary>
    public static string MessageKey(string deviceId, long seq, DateTimeOffset ts, bool? tsSubstituted) =>
        tsSubstituted == true ? $"{deviceId}:{seq}" : $"{deviceId}:{seq}@{ts.ToUnixTimeMilliseconds()}";

    /// <summary>The Idempotency-Key a device report must carry: the message's own identity.</summary>
    public static Validator RequireKey(string? idempotencyKey, string? deviceId, long? seq) => new Validator()
        .Require(idempotencyKey is not null && idempotencyKey == $"{deviceId}:{seq}", Idempotency.Header, "must be {deviceId}:{seq}");
}
