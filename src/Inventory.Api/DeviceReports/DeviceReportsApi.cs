using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Inventory.Api.Stock;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Inventory.Api.DeviceReports;

public sealed record SaleLineReport(string? Sku, int? Units, long? UnitPriceCents);
public sealed record SaleReport(string? DeviceId, long? Seq, DateTimeOffset? Ts, string? SaleId, List<SaleLineReport?>? Lines, string? Payment, bool? TsSubstituted);
public sealed record StockItemReport(string? Sku, int? Units);
public sealed record StockCountReport(string? DeviceId, long? Seq, DateTimeOffset? Ts, List<StockItemReport?>? Items, bool? TsSubstituted);

public sealed record SaleRecorded(string DeviceId, long Seq, string Location, IReadOnlyList<PostedMovement> Movements, int Shortfall);
public sealed record CountReconciled(string DeviceId, long Seq, string Location, IReadOnlyList<CountLine> Lines);
public sealed record CountLine(string Sku, int LedgerUnits, int CountedUnits, int Adjustment);

/// <summary>
/// What the gateway forwards from the devices (telemetry contract: sales and stock). Idempotent by
/// <c>Idempotency-Key: {deviceId}:{seq}</c>. A sale happened in the physical world: it is always
/// recorded, a shortfall flagged. A count reconciles the ledger to what the shelf holds.
/// </summary>
public static class DeviceReportsApi
{
    private const string Scope = "device-report";
    /// <summary>A unit price above this ($10,000) is not a beer's: refused, so no revenue sum can overflow.</summary>
    public const long MaxUnitPriceCents = 1_000_000;
    /// <summary>
    /// How far device sales may take a place's level of a SKU below zero (sales the ledger did not know the
    /// stock of). A device reporting past it is broken or hostile: refused (422), never a level that overflows.
    /// </summary>
    public const int ShortfallFloor = -10_000;

    public static RouteGroupBuilder MapDeviceReportsApi(this RouteGroupBuilder api)
    {
        var reports = api.MapGroup("device-reports").WithTags("Device reports").RequireAuthorization(Policies.Gateway);
        reports.MapPost("sales", PostSale).WithName("PostDeviceSale").WithSummary("A kiosk's sale (from the gateway)");
        reports.MapPost("stock-counts", PostStockCount).WithName("PostDeviceStockCount").WithSummary("A fridge's or kiosk's shelf count (from the gateway)");
        return api;
    }

    private static async Task<IResult> PostSale(SaleReport body, [FromHeader(Name = Idempotency.Header)] string? idempotencyKey, NpgsqlDataSource db, CancellationToken ct)
    {
        var v = Common(body.DeviceId, body.Seq, body.Ts, idempotencyKey)
            .Require(!string.IsNullOrWhiteSpace(body.SaleId) && body.SaleId.Length <= 100, "saleId", "is required (at most 100 characters)")
            .Require(body.Lines is { Count: > 0 and <= 100 }, "lines", "must have 1 to 100 lines");
        for (var i = 0; body.Lines is not null && i < body.Lines.Count; i++)
        {
            var line = body.Lines[i];
            v.Require(line?.Sku is not null && Patterns.Sku().IsMatch(line.Sku), $"lines[{i}].sku", "must match ^[A-Z0-9][A-Z0-9-]{2,39}$")
             .Require(line?.Units is >= 1 and <= 10_000, $"lines[{i}].units", "must be within 1..10000")
             .Require(line?.UnitPriceCents is >= 0 and <= MaxUnitPriceCents, $"lines[{i}].unitPriceCents", $"must be within 0..{MaxUnitPriceCents}");
        }
        if (!v.IsValid) return v.Problem();
        var (device, location, problem) = await PlacedDeviceAsync(db, body.DeviceId!, ct);
        if (problem is not null) return problem;
        if (device!.Value.Kind != "kiosk")
            return Problems.Unprocessable("deviceId", $"device {device.Value.Id} is a {device.Value.Kind}: only kiosks report sales (a fridge reports shelf counts)");

        return await Idempotency.RunAsync(db, Scope, idempotencyKey, body, async (c, tx, token) =>
        {
            await LockLocationAsync(c, tx, location!.Value.Id, token);
            var movements = new List<PostedMovement>();
            for (var i = 0; i < body.Lines!.Count; i++)
            {
                var line = body.Lines[i]!;
                if (await StockApi.BeerAsync(c, line.Sku!, token) is null)
                    throw new DomainProblem(Problems.Unprocessable($"lines[{i}].sku", $"unknown SKU {line.Sku}"));
                var level = await LevelAsync(c, tx, line.Sku!, location.Value.Id, token);
                if (level - line.Units!.Value < ShortfallFloor)
                    throw new DomainProblem(Problems.Unprocessable($"lines[{i}].units",
                        $"{line.Units} units would take {line.Sku} at {location.Value.Code} to {level - line.Units} (the floor for unrecorded stock is {ShortfallFloor})"));
                movements.AddRange(await Ledger.PostAsync(c, tx, new MovementToPost(MovementKinds.Sale, line.Sku!, null, line.Units!.Value,
                    location.Value.Id, null, body.Ts!.Value, $"device:{device.Value.Id}", $"sale {body.SaleId} ({body.Payment ?? "payment unknown"})",
                    device.Value.Id, line.UnitPriceCents), allowShortfall: true, token));
            }
            return (StatusCodes.Status201Created, new SaleRecorded(device.Value.Id, body.Seq!.Value, location.Value.Code, movements, movements.Sum(m => m.Shortfall)));
        }, ct);
    }

    private static async Task<IResult> PostStockCount(StockCountReport body, [FromHeader(Name = Idempotency.Header)] string? idempotencyKey, NpgsqlDataSource db, CancellationToken ct)
    {
        var v = Common(body.DeviceId, body.Seq, body.Ts, idempotencyKey)
            .Require(body.Items is { Count: <= 500 }, "items", "is required (at most 500 items; an empty list is an empty fridge)");
        for (var i = 0; body.Items is not null && i < body.Items.Count; i++)
        {
            var item = body.Items[i];
            v.Require(item?.Sku is not null && Patterns.Sku().IsMatch(item.Sku), $"items[{i}].sku", "must match ^[A-Z0-9][A-Z0-9-]{2,39}$")
             .Require(item?.Units is >= 0 and <= 100_000, $"items[{i}].units", "must be within 0..100000");
        }
        if (!v.IsValid) return v.Problem();
        var (device, location, problem) = await PlacedDeviceAsync(db, body.DeviceId!, ct);
        if (problem is not null) return problem;
        var ts = body.Ts!.Value;
        var deviceId = device!.Value.Id;

        return await Idempotency.RunAsync(db, Scope, idempotencyKey, body, async (c, tx, token) =>
        {
            await LockLocationAsync(c, tx, location!.Value.Id, token);
            // The count is the full contents (contract: a SKU not listed has 0 units). It is compared with
            // the ledger as it stood when the device counted, so a count that arrives hours late does not
            // undo the sales recorded since.
            var counted = body.Items!.ToDictionary(i => i!.Sku!, i => i!.Units!.Value);
            foreach (var sku in await SkusHeldAsync(c, tx, location.Value.Id, ts, token)) counted.TryAdd(sku, 0);
            var lines = new List<CountLine>();
            foreach (var (sku, units) in counted.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (await StockApi.BeerAsync(c, sku, token) is null)
                    throw new DomainProblem(Problems.Unprocessable("items", $"unknown SKU {sku}"));
                var ledger = await Ledger.UnitsAsOfAsync(c, tx, sku, location.Value.Id, ts, token);
                var adjustment = units - ledger;
                lines.Add(new CountLine(sku, ledger, units, adjustment));
                if (adjustment == 0) continue;
                await Ledger.PostAsync(c, tx, new MovementToPost(MovementKinds.CountAdjustment, sku, null, Math.Abs(adjustment),
                    adjustment < 0 ? location.Value.Id : null, adjustment > 0 ? location.Value.Id : null, ts, $"device:{deviceId}",
                    $"shelf count seq {body.Seq}", deviceId), allowShortfall: true, token);
                await using var discrepancy = new NpgsqlCommand("""
                    INSERT INTO stock_discrepancies (device_id, location_id, sku, ledger_units, counted_units, occurred_at) VALUES ($1, $2, $3, $4, $5, $6)
                    """, c, tx);
                discrepancy.Parameters.Add(new() { Value = deviceId });
                discrepancy.Parameters.Add(new() { Value = location.Value.Id });
                discrepancy.Parameters.Add(new() { Value = sku });
                discrepancy.Parameters.Add(new() { Value = ledger });
                discrepancy.Parameters.Add(new() { Value = units });
                discrepancy.Parameters.Add(new() { Value = ts.UtcDateTime });
                await discrepancy.ExecuteNonQueryAsync(token);
            }
            return (StatusCodes.Status201Created, new CountReconciled(deviceId, body.Seq!.Value, location.Value.Code, lines));
        }, ct);
    }

    private static Validator Common(string? deviceId, long? seq, DateTimeOffset? ts, string? idempotencyKey) => new Validator()
        .Require(deviceId is not null && Patterns.DeviceId().IsMatch(deviceId), "deviceId", "must match ^[a-z0-9][a-z0-9-]{2,63}$")
        .Require(seq is >= 0, "seq", "is required, an integer >= 0")
        .Require(ts is not null, "ts", "is required (RFC 3339)")
        .Require(idempotencyKey is not null && idempotencyKey == $"{deviceId}:{seq}", Idempotency.Header, "must be {deviceId}:{seq}");

    private static async Task<((string Id, string Kind)? Device, (long Id, string Code)? Location, IResult? Problem)> PlacedDeviceAsync(NpgsqlDataSource db, string deviceId, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT d.location_id, l.code, d.kind FROM devices d LEFT JOIN locations l ON l.id = d.location_id WHERE d.device_id = $1");
        command.Parameters.Add(new() { Value = deviceId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return (null, null, Problems.NotFound("deviceId", $"device {deviceId}"));
        if (reader.IsDBNull(0)) return (null, null, Problems.Unprocessable("deviceId", $"device {deviceId} is not placed at a location"));
        return ((deviceId, reader.GetString(2)), (reader.GetInt64(0), reader.GetString(1)), null);
    }

    /// <summary>A SKU's level at a place, every lot together (the place is locked by the caller).</summary>
    private static async Task<long> LevelAsync(NpgsqlConnection c, NpgsqlTransaction tx, string sku, long locationId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT coalesce(sum(units), 0) FROM stock_levels WHERE sku = $1 AND location_id = $2", c, tx);
        command.Parameters.Add(new() { Value = sku });
        command.Parameters.Add(new() { Value = locationId });
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Reports of one place are applied one at a time: a count and a sale never interleave.</summary>
    private static async Task LockLocationAsync(NpgsqlConnection c, NpgsqlTransaction tx, long locationId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(1, $1::int)", c, tx);
        command.Parameters.Add(new() { Value = (int)locationId });
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<List<string>> SkusHeldAsync(NpgsqlConnection c, NpgsqlTransaction tx, long locationId, DateTimeOffset asOf, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            SELECT sku FROM movements WHERE (to_location_id = $1 OR from_location_id = $1) AND occurred_at <= $2
            GROUP BY sku HAVING sum(CASE WHEN to_location_id = $1 THEN units ELSE -units END) <> 0
            """, c, tx);
        command.Parameters.Add(new() { Value = locationId });
        command.Parameters.Add(new() { Value = asOf.UtcDateTime });
        return await command.ListAsync(r => r.GetString(0), ct);
    }
}
