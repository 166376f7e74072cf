using Inventory.Api.Catalogue;
using Inventory.Api.Festivals;
using Inventory.Api.Infrastructure;
using Inventory.Api.Prices;
using Inventory.Api.Stock;
using Npgsql;

namespace Inventory.Api.DeviceReports;

/// <summary>
/// What the gateway forwards from the devices (telemetry contract: sales and stock), into the ledger once per
/// message (<see cref="DeviceReport.MessageKey"/>: device, seq and the device's ts). A sale happened in the physical world: it is always
/// recorded, a shortfall flagged. A count reconciles the ledger to what the shelf holds (at a fridge,
/// what is gone was sold).
/// </summary>
public sealed class DeviceReportCommands(NpgsqlDataSource db, BeerQueries beers)
{
    private const string Scope = "device-report";

    /// <summary>
    /// How far device sales may take a place's level of a SKU below zero (sales the ledger did not know the
    /// stock of). A device reporting past it is broken or hostile: refused (422), never a level that overflows.
    /// </summary>
    public const int ShortfallFloor = -10_000;

    public async Task<IResult> RecordSaleAsync(SaleReport body, CancellationToken ct)
    {
        var (device, location) = await PlacedAsync(body.DeviceId!, body.Ts!.Value, ct);
        if (device.Kind != "kiosk")
            throw new DomainProblem(Problems.Unprocessable("deviceId", $"device {device.Id} is a {device.Kind}: only kiosks report sales (a fridge reports shelf counts)"));

        var key = DeviceReport.MessageKey(device.Id, body.Seq!.Value, body.Ts!.Value, body.TsSubstituted);
        return await Idempotency.RunAsync(db, Scope, key, body, async (c, tx, token) =>
        {
            await ShelfLedger.LockPlacesAsync(c, tx, [location.Id], token);
            var movements = new List<PostedMovement>();
            for (var i = 0; i < body.Lines!.Count; i++)
            {
                var line = body.Lines[i]!;
                if (await beers.FactsAsync(c, line.Sku!, token) is null)
                    throw new DomainProblem(Problems.Unprocessable($"lines[{i}].sku", $"unknown SKU {line.Sku}"));
                var level = await LevelAsync(c, tx, line.Sku!, location.Id, token);
                if (level - line.Units!.Value < ShortfallFloor)
                    throw new DomainProblem(Problems.Unprocessable($"lines[{i}].units",
                        $"{line.Units} units would take {line.Sku} at {location.Code} to {level - line.Units} (the floor for unrecorded stock is {ShortfallFloor})"));
                movements.AddRange(await Ledger.PostAsync(c, tx, new MovementToPost(MovementKinds.Sale, line.Sku!, null, line.Units!.Value,
                    location.Id, null, body.Ts!.Value, $"device:{device.Id}", $"sale {body.SaleId} ({body.Payment ?? "payment unknown"})",
                    device.Id, line.UnitPriceCents), allowShortfall: true, token));
                await ReconciledLoss.KeepAsync(c, tx, location.Id, line.Sku!, token);
            }
            return (StatusCodes.Status201Created, new SaleRecorded(device.Id, body.Seq!.Value, location.Code, movements, movements.Sum(m => m.Shortfall)));
        }, ct);
    }

    /// <summary>
    /// A shelf count, once per message (<see cref="DeviceReport.MessageKey"/>). The count is the full contents
    /// (contract: a SKU not listed has 0 units) and is kept as a fact; what it says left the shelf is derived in event time from the counts and
    /// movements around it (<see cref="ShelfLedger"/>), so a count that arrives late or out of order re-derives what
    /// follows it instead of being compared with a ledger that already moved on. At a COOP fridge (which reports no
    /// sales) what is gone was sold; what is there beyond the deliveries is found stock, a discrepancy. At a kiosk
    /// (which reports its sales) any difference is a discrepancy. An unknown SKU is recorded as a discrepancy with
    /// its reason, never dropped and never a refusal of the whole count.
    /// </summary>
    public async Task<IResult> ReconcileCountAsync(StockCountReport body, CancellationToken ct)
    {
        var (device, location) = await PlacedAsync(body.DeviceId!, body.Ts!.Value, ct);
        var ts = body.Ts!.Value;
        var sellsThrough = location.Kind == LocationKinds.CoopFridge;

        var key = DeviceReport.MessageKey(device.Id, body.Seq!.Value, ts, body.TsSubstituted);
        return await Idempotency.RunAsync(db, Scope, key, body, async (c, tx, token) =>
        {
            await ShelfLedger.LockPlacesAsync(c, tx, [location.Id], token);
            var known = new List<(string Sku, int Units)>();
            var lines = new List<CountLine>();
            foreach (var item in body.Items!)
            {
                if (await beers.FactsAsync(c, item!.Sku!, token) is not null) { known.Add((item.Sku!, item.Units!.Value)); continue; }
                await RecordDiscrepancyAsync(c, tx, device.Id, location.Id, item.Sku!, 0, item.Units!.Value, ts,
                    $"unknown SKU {item.Sku}: not in the catalogue, nothing posted", token);
                lines.Add(new CountLine(item.Sku!, 0, item.Units!.Value, 0, 0, "unknown SKU"));
            }
            var countId = await ShelfLedger.RecordCountAsync(c, tx, location.Id, device.Id, body.Seq!.Value, ts, known, token);
            var outcomes = await ShelfLedger.RederiveAfterCountAsync(c, tx, location.Id, countId, ts, token);
            // A kiosk's count held past its festival's reconciliation finds missing what the reconciliation had lost.
            if (location.Kind is LocationKinds.FestivalKiosk or LocationKinds.TourStop)
                foreach (var sku in outcomes.Keys.Select(k => k.Sku).Distinct().Order(StringComparer.Ordinal))
                    await ReconciledLoss.KeepAsync(c, tx, location.Id, sku, token);
            foreach (var ((id, sku), outcome) in outcomes)
            {
                if (id != countId || (outcome.Expected == 0 && outcome.Counted == 0)) continue;
                lines.Add(new CountLine(sku, outcome.Expected, outcome.Counted, outcome.Counted - outcome.Expected, sellsThrough ? outcome.Gone : 0,
                    ShelfDiscrepancies.Reason(outcome, sellsThrough)));
            }
            lines.Sort((x, y) => StringComparer.Ordinal.Compare(x.Sku, y.Sku));
            return (StatusCodes.Status201Created, new CountReconciled(device.Id, body.Seq!.Value, location.Code, lines));
        }, ct);
    }

    private static async Task RecordDiscrepancyAsync(NpgsqlConnection c, NpgsqlTransaction tx, string deviceId, long locationId, string sku, int ledger, int counted,
        DateTimeOffset ts, string reason, CancellationToken ct)
    {
        await using var discrepancy = c.Command(tx, """
            INSERT INTO stock_discrepancies (device_id, location_id, sku, ledger_units, counted_units, occurred_at, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)
            """,
            /* $1 */ deviceId,
            /* $2 */ locationId,
            /* $3 */ sku,
            /* $4 */ ledger,
            /* $5 */ counted,
            /* $6 */ ts.UtcDateTime,
            /* $7 */ reason);
        await discrepancy.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The device and where it stood when it reported (<see cref="DevicePlacements"/>).</summary>
    private async Task<((string Id, string Kind) Device, (long Id, string Code, string Kind) Location)> PlacedAsync(string deviceId, DateTimeOffset at, CancellationToken ct)
    {
        var placed = await DevicePlacements.AtAsync(db, deviceId, at, ct);
        return ((placed.Id, placed.Kind), (placed.LocationId, placed.LocationCode, placed.LocationKind));
    }

    /// <summary>A SKU's level at a place, every lot together (the place is locked by the caller).</summary>
    private static async Task<long> LevelAsync(NpgsqlConnection c, NpgsqlTransaction tx, string sku, long locationId, CancellationToken ct)
    {
        await using var command = c.Command(tx, "SELECT coalesce(sum(units), 0) FROM stock_levels WHERE sku = $1 AND location_id = $2", sku, locationId);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
