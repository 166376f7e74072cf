using Inventory.Api.Infrastructure;
using Npgsql;

namespace Inventory.Api.Stock;

/// <summary>
/// Posts movements and keeps <c>stock_levels</c> equal to the sum of movements in the same
/// transaction (rule "The ledger is the truth for stock"). The levels a withdrawal draws on are locked first (FOR UPDATE), so concurrent
/// movements on the same stock queue up and never overdraw.
/// </summary>
public static class Ledger
{
    /// <param name="allowShortfall">
    /// True for what happened in the physical world (a device's sale): recorded even beyond the
    /// ledger, the shortfall flagged. False for people's movements: a shortfall is a 409.
    /// </param>
    public static async Task<IReadOnlyList<PostedMovement>> PostAsync(NpgsqlConnection c, NpgsqlTransaction tx, MovementToPost m, bool allowShortfall, CancellationToken ct)
    {
        long[] ends = [.. new[] { m.FromLocationId, m.ToLocationId }.OfType<long>()];
        var derived = m.ShelfCountId is not null;
        // A fact at a counted place may change what its counts derived: the place is locked before its lots (the order
        // a device report takes them in), and re-derived after the posting.
        if (!derived) await ShelfLedger.LockPlacesAsync(c, tx, ends, ct);
        IReadOnlyList<LotTake> takes;
        var shortfall = 0;
        if (m.FromLocationId is { } from)
        {
            var lots = await LockLotsAsync(c, tx, m.Sku, from, m.LotCode, ct);
            var allocation = LotAllocation.Take(lots, m.Units, m.LotCode ?? "");
            if (allocation.Shortfall > 0 && !allowShortfall && !derived && await ShelfLedger.GiveBackForLateRemovalAsync(c, tx, from, m, ct))
                allocation = LotAllocation.Take(await LockLotsAsync(c, tx, m.Sku, from, m.LotCode, ct), m.Units, m.LotCode ?? "");
            // Units that stood there then and left later with the fridge: posting the removal makes the move give them back.
            if (allocation.Shortfall > 0 && !allowShortfall && !derived && await FridgeMoves.GivesBackAsync(c, tx, from, m, ct)) allowShortfall = true;
            if (allocation.Shortfall > 0 && !allowShortfall)
                throw new DomainProblem(Problems.Conflict("Not enough stock",
                    $"{m.Units} units of {m.Sku} wanted{(m.LotCode is null ? "" : $" from lot {m.LotCode}")}, {m.Units - allocation.Shortfall} held",
                    new Dictionary<string, object?> { ["field"] = "units", ["shortfall"] = allocation.Shortfall, ["available"] = m.Units - allocation.Shortfall }));
            takes = allocation.Takes;
            shortfall = allocation.Shortfall;
        }
        else
        {
            takes = [new LotTake(m.LotCode ?? "", m.Units)];
        }

        var posted = new List<PostedMovement>(takes.Count);
        var shortfallLot = m.LotCode ?? "";
        foreach (var take in takes)
        {
            var takeShortfall = take.LotCode == shortfallLot ? shortfall : 0;
            var id = await InsertAsync(c, tx, m, take, takeShortfall, ct);
            posted.Add(new PostedMovement(id, m.Kind, m.Sku, take.LotCode, take.Units, m.FromLocationId, m.ToLocationId, m.OccurredAt, takeShortfall));
        }
        if (!derived)
        {
            foreach (var end in ends) await ShelfLedger.AfterMovementAsync(c, tx, end, m.OccurredAt, ticked: m.DeviceId is null, ct);
            if (m.ToLocationId is { } into) await RelotSalesAsync(c, tx, into, m.Sku, ct);
        }
        return posted;
    }

    /// <summary>
    /// Sales booked in no lot ("") because the ledger held none of the beer there when they were booked — its delivery
    /// was told after them, or a later count told first had booked the lot's last units — take the lots there now: each
    /// is put back from "" and booked again from the oldest lot, at its time, price and count (rule "Figures come from
    /// the facts, in event time": the lots' levels do not depend on the order the facts arrived in; the beer's sales
    /// and money do not change).
    /// </summary>
    internal static async Task RelotSalesAsync(NpgsqlConnection c, NpgsqlTransaction tx, long place, string sku, CancellationToken ct)
    {
        // Nearly always nothing sits below zero in no lot: one key lookup says so, before any lot is locked (every
        // delivery asks).
        await using (var below = c.Command(tx, "SELECT units < 0 FROM stock_levels WHERE sku = $1 AND location_id = $2 AND lot_code = ''", sku, place))
            if (await below.ExecuteScalarAsync(ct) is not true) return;
        var lots = await LockLotsAsync(c, tx, sku, place, null, ct);
        var missing = -lots.Where(l => l.LotCode == "").Sum(l => l.Units);
        var held = lots.Where(l => l.LotCode != "" && l.Units > 0).ToList();
        if (missing <= 0 || held.Count == 0) return;
        await using var unlotted = c.Command(tx, """
            SELECT occurred_at, unit_price_cents, shelf_count_id, device_id, sum(units)::int FROM sale_lines
            WHERE location_id = $1 AND sku = $2 AND lot_code = ''
            GROUP BY occurred_at, unit_price_cents, shelf_count_id, device_id HAVING sum(units) > 0 ORDER BY occurred_at DESC
            """, place, sku);
        var sales = await unlotted.ListAsync(r => (At: r.GetFieldValue<DateTimeOffset>(0), Price: r.IsDBNull(1) ? (long?)null : r.GetInt64(1),
            Count: r.IsDBNull(2) ? (long?)null : r.GetInt64(2), Device: r.IsDBNull(3) ? null : r.GetString(3), Units: r.GetInt32(4)), ct);
        var left = Math.Min(missing, held.Sum(l => l.Units));
        foreach (var sale in sales)
        {
            var units = Math.Min(left, sale.Units);
            if (units == 0) break;
            var actor = sale.Device is null ? "ledger" : $"device:{sale.Device}";
            const string Reason = "booked in the lot that was there once its delivery was known";
            var back = new MovementToPost(MovementKinds.SaleReversal, sku, "", units, null, place, sale.At, actor, Reason, sale.Device, sale.Price, sale.Count);
            await InsertAsync(c, tx, back, new LotTake("", units), 0, ct);
            foreach (var take in LotAllocation.Take(held, units).Takes)
            {
                await InsertAsync(c, tx, back with { Kind = MovementKinds.Sale, FromLocationId = place, ToLocationId = null }, take, 0, ct);
                var i = held.FindIndex(l => l.LotCode == take.LotCode);
                held[i] = (take.LotCode, held[i].Units - take.Units);
            }
            left -= units;
        }
    }

    /// <summary>One ledger row of one lot, and the levels it changes (in the same transaction).</summary>
    private static async Task<long> InsertAsync(NpgsqlConnection c, NpgsqlTransaction tx, MovementToPost m, LotTake take, int shortfall, CancellationToken ct)
    {
        await using var insert = c.Command(tx, """
            INSERT INTO movements (kind, sku, lot_code, units, from_location_id, to_location_id, occurred_at, actor, reason, device_id, shortfall,
                                   unit_price_cents, shelf_count_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            RETURNING id
            """,
            /* $1 */ m.Kind,
            /* $2 */ m.Sku,
            /* $3 */ take.LotCode,
            /* $4 */ take.Units,
            /* $5 */ m.FromLocationId,
            /* $6 */ m.ToLocationId,
            /* $7 */ m.OccurredAt.UtcDateTime,
            /* $8 */ m.Actor,
            /* $9 */ m.Reason,
            /* $10 */ m.DeviceId,
            /* $11 */ shortfall,
            /* $12 */ m.UnitPriceCents,
            /* $13 */ m.ShelfCountId);
        var id = (long)(await insert.ExecuteScalarAsync(ct))!;
        if (m.FromLocationId is { } fromId) await AddAsync(c, tx, m.Sku, fromId, take.LotCode, -take.Units, ct);
        if (m.ToLocationId is { } toId) await AddAsync(c, tx, m.Sku, toId, take.LotCode, take.Units, ct);
        return id;
    }

    /// <summary>The total units of a SKU at a location as the ledger stood at a moment.</summary>
    public static async Task<int> UnitsAsOfAsync(NpgsqlConnection c, NpgsqlTransaction tx, string sku, long locationId, DateTimeOffset asOf, CancellationToken ct)
    {
        await using var command = c.Command(tx, """
            SELECT coalesce(sum(CASE WHEN to_location_id = $2 THEN units ELSE -units END), 0)::int
            FROM movements WHERE sku = $1 AND (to_location_id = $2 OR from_location_id = $2) AND occurred_at <= $3
            """, sku, locationId, asOf.UtcDateTime);
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task<List<(string LotCode, int Units)>> LockLotsAsync(NpgsqlConnection c, NpgsqlTransaction tx, string sku, long location, string? lot, CancellationToken ct)
    {
        // Oldest lot first: lot codes are dated by the breweries (e.g. 2026-07-A), so their order is their age.
        await using var command = c.Command(tx, """
            SELECT lot_code, units FROM stock_levels
            WHERE sku = $1 AND location_id = $2 AND ($3::text IS NULL OR lot_code = $3)
            ORDER BY lot_code
            FOR UPDATE
            """, sku, location, Db.Typed(lot, NpgsqlTypes.NpgsqlDbType.Text));
        var lots = new List<(string, int)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) lots.Add((reader.GetString(0), reader.GetInt32(1)));
        return lots;
    }

    private static async Task AddAsync(NpgsqlConnection c, NpgsqlTransaction tx, string sku, long location, string lot, int delta, CancellationToken ct)
    {
        await using var command = c.Command(tx, """
            INSERT INTO stock_levels (sku, location_id, lot_code, units) VALUES ($1, $2, $3, $4)
            ON CONFLICT (sku, location_id, lot_code) DO UPDATE SET units = stock_levels.units + EXCLUDED.units
            """, sku, location, lot, delta);
        await command.ExecuteNonQueryAsync(ct);
    }
}
