using Inventory.Api.Catalogue;
using Inventory.Api.Infrastructure;
using Inventory.Api.Prices;
using Npgsql;

namespace Inventory.Api.Stock;

/// <summary>A window of counts derived from the facts, and the differences posted as movements naming their count.</summary>
public static partial class ShelfLedger
{
    /// <summary>
    /// Derives the counts after <paramref name="anchor"/> (all of them without one) from the counts loaded from
    /// <paramref name="countsFrom"/> and the movements from <paramref name="movementsFrom"/>, and posts the differences.
    /// </summary>
    private static async Task<Dictionary<(long CountId, string Sku), CountOutcome>> DeriveWindowAsync(NpgsqlConnection c, NpgsqlTransaction tx, long locationId,
        (long Id, DateTimeOffset At)? anchor, DateTime? countsFrom, DateTime? movementsFrom, CancellationToken ct)
    {
        // One round trip: the counts, what they saw, the movements between them, what they had posted, the kind of place.
        // A movement later than the last count's match window changes no count: not loaded (a fridge's deliveries of
        // the coming weeks must not make each count slower).
        NpgsqlBatchCommand Query(string sql, DateTime? since) => new(sql)
        {
            Parameters = { new() { Value = locationId }, Db.Typed(since, NpgsqlTypes.NpgsqlDbType.TimestampTz), new() { Value = SellThrough.MatchWindow } },
        };
        await using var batch = new NpgsqlBatch(c, tx)
        {
            BatchCommands =
            {
                Query($"SELECT id, counted_at, device_id, seq, counted_by, lists_only FROM shelf_counts WHERE location_id = $1 AND counted_at >= {From} ORDER BY {CountOrder}",
                    countsFrom),
                // Driven from the window's counts, each one's rows by its own index: a join planned for any window (the
                // statements are prepared) scanned every count item and sale of the season instead (docs/benchmarks.md, "A summer").
                Query($"""
                    SELECT s.id, i.skus, i.units FROM shelf_counts s
                    CROSS JOIN LATERAL (SELECT array_agg(sku) AS skus, array_agg(units) AS units FROM shelf_count_items WHERE count_id = s.id) i
                    WHERE s.location_id = $1 AND s.counted_at >= {From} AND i.skus IS NOT NULL
                    """, countsFrom),
                Query($"""
                    SELECT sku, occurred_at, CASE WHEN to_location_id = $1 THEN units ELSE -units END, device_id IS NULL
                    FROM movements WHERE (to_location_id = $1 OR from_location_id = $1) AND shelf_count_id IS NULL AND occurred_at >= {From}
                      AND occurred_at <= (SELECT max(counted_at) FROM shelf_counts WHERE location_id = $1) + $3::interval
                    """, movementsFrom),
                Query($"""
                    SELECT s.id, p.sku, p.sold, p.adjusted FROM shelf_counts s
                    CROSS JOIN LATERAL (
                        SELECT m.sku,
                               coalesce(sum(CASE m.kind WHEN 'sale' THEN m.units WHEN 'sale_reversal' THEN -m.units END), 0)::int AS sold,
                               coalesce(sum(CASE WHEN m.kind = 'count_adjustment' THEN CASE WHEN m.to_location_id = $1 THEN m.units ELSE -m.units END END), 0)::int AS adjusted
                        FROM movements m WHERE m.shelf_count_id = s.id GROUP BY m.sku) p
                    WHERE s.location_id = $1 AND s.counted_at >= {From}
                    """, countsFrom),
                Query("SELECT kind, $2::timestamptz FROM locations WHERE id = $1", null),
                Query(FridgeMoves.MovedAwaySince, countsFrom),
            },
        };
        var counts = new List<CountRow>();
        var items = new Dictionary<(long Count, string Sku), int>();
        var movementRows = new List<(string Sku, ShelfMovement Movement)>();
        var posted = new Dictionary<(long Count, string Sku), (int Sold, int Adjusted)>();
        bool sellsThrough, movedAway;
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) counts.Add(new CountRow(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetInt64(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetBoolean(5)));
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var (count, skuList, unitList) = (reader.GetInt64(0), reader.GetFieldValue<string[]>(1), reader.GetFieldValue<int[]>(2));
                for (var i = 0; i < skuList.Length; i++) items[(count, skuList[i])] = unitList[i];
            }
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
                movementRows.Add((reader.GetString(0), new ShelfMovement(reader.GetFieldValue<DateTimeOffset>(1), reader.GetInt32(2), reader.GetBoolean(3))));
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct)) posted[(reader.GetInt64(0), reader.GetString(1))] = (reader.GetInt32(2), reader.GetInt32(3));
            await reader.NextResultAsync(ct);
            await reader.ReadAsync(ct);
            sellsThrough = reader.GetString(0) == LocationKinds.CoopFridge;
            await reader.NextResultAsync(ct);
            await reader.ReadAsync(ct);
            movedAway = reader.GetBoolean(0);
        }
        var firstDerived = anchor is { } an ? counts.FindIndex(k => k.Id == an.Id) + 1 : 0;
        if (firstDerived >= counts.Count) return [];
        var movements = movementRows.ToLookup(m => m.Sku, m => m.Movement);

        var skus = items.Keys.Select(k => k.Sku).Concat(movements.Select(g => g.Key)).Concat(posted.Keys.Select(k => k.Sku)).Distinct().Order(StringComparer.Ordinal);
        var outcomes = new Dictionary<(long, string), CountOutcome>();
        var changed = false;
        var relot = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sku in skus)
        {
            // The counts that saw this SKU: every count but a brewer's of other beers (the anchor covers every SKU).
            var covering = Enumerable.Range(0, counts.Count).Where(i => !counts[i].ListsOnly || items.ContainsKey((counts[i].Id, sku))).ToList();
            var facts = covering.Select(i => new CountFact(counts[i].Id, counts[i].At, items.GetValueOrDefault((counts[i].Id, sku)))).ToList();
            var derived = SellThrough.Derive(facts, movements[sku].ToList());
            for (var j = 0; j < covering.Count; j++)
            {
                var i = covering[j];
                if (i < firstDerived) continue;
                var outcome = derived[j];
                outcomes[(counts[i].Id, sku)] = outcome;
                var (sold, adjusted) = posted.GetValueOrDefault((counts[i].Id, sku));
                var (targetSold, targetAdjusted) = sellsThrough ? (outcome.Gone, outcome.Found) : (0, outcome.Found - outcome.Gone);
                if (targetSold != sold && await PostSoldAsync(c, tx, counts[i], locationId, sku, targetSold - sold, ct)) relot.Add(sku);
                if (targetAdjusted != adjusted) await PostAdjustmentAsync(c, tx, counts[i], locationId, sku, targetAdjusted - adjusted, ct);
                changed |= targetSold != sold || targetAdjusted != adjusted;
                if (Math.Abs(targetAdjusted) > Math.Abs(adjusted)) await ShelfDiscrepancies.RecordAsync(c, tx, counts[i].DeviceId, counts[i].At, locationId, sku, outcome, sellsThrough, ct);
                else if (Math.Abs(targetAdjusted) < Math.Abs(adjusted)) await ShelfDiscrepancies.CloseAsync(c, tx, counts[i].DeviceId, counts[i].At, locationId, sku, ct);
            }
        }
        // Counts told out of order: a sale booked in no lot while a later count held the lot's last units takes its lot.
        foreach (var sku in relot) await Ledger.RelotSalesAsync(c, tx, locationId, sku, ct);
        // What the shelf held before a fridge moved away changed: what moved with it follows.
        if (changed && movedAway) await FridgeMoves.KeepAsync(c, tx, locationId, counts[firstDerived].At, ct);
        return outcomes;
    }

    /// <param name="CountedBy">The person who counted by hand; null for a device's count.</param>
    /// <param name="ListsOnly">The count covers only the SKUs it lists (a brewer's count of its own beers).</param>
    private sealed record CountRow(long Id, DateTimeOffset At, string DeviceId, long Seq, string? CountedBy, bool ListsOnly)
    {
        /// <summary>Who the movements it derives are by: the device, or the person who counted.</summary>
        public string Actor => CountedBy ?? $"device:{DeviceId}";

        /// <summary>The device behind its movements; none for a person's count.</summary>
        public string? Device => CountedBy is null ? DeviceId : null;

        public string Source => CountedBy is null ? $"seq {Seq}" : $"by hand by {CountedBy}";
    }

    /// <returns>Whether a sale may sit in no lot while a lot holds units: a sale beyond what the lots held, or units put back into a lot.</returns>
    private static async Task<bool> PostSoldAsync(NpgsqlConnection c, NpgsqlTransaction tx, CountRow count, long locationId, string sku, int more, CancellationToken ct)
    {
        var actor = count.Actor;
        if (more > 0)
        {
            var posted = await Ledger.PostAsync(c, tx, new MovementToPost(MovementKinds.Sale, sku, null, more, locationId, null, count.At, actor,
                $"sold from the fridge between shelf counts ({count.Source})", count.Device,
                await PriceQueries.PriceAsync(c, tx, sku, PriceChannels.Fridge, count.At, ct), count.Id), allowShortfall: true, ct);
            return posted.Any(p => p.Shortfall > 0);
        }
        // Fewer sold than booked: put back what this count booked, newest first, at the lot and price it was booked at.
        await using var booked = c.Command(tx, """
            SELECT lot_code, unit_price_cents, sum(units)::int FROM sale_lines WHERE shelf_count_id = $1 AND sku = $2
            GROUP BY 1, 2 HAVING sum(units) > 0 ORDER BY max(id) DESC
            """, count.Id, sku);
        var left = -more;
        foreach (var (lot, price, units) in await booked.ListAsync(r => (r.GetString(0), r.IsDBNull(1) ? (long?)null : r.GetInt64(1), r.GetInt32(2)), ct))
        {
            var take = Math.Min(left, units);
            await Ledger.PostAsync(c, tx, new MovementToPost(MovementKinds.SaleReversal, sku, lot, take, null, locationId, count.At, actor,
                $"not sold after all: count {count.Source} re-derived from facts known later", count.Device, price, count.Id), allowShortfall: true, ct);
            if ((left -= take) == 0) break;
        }
        return true;
    }

    private static async Task PostAdjustmentAsync(NpgsqlConnection c, NpgsqlTransaction tx, CountRow count, long locationId, string sku, int delta, CancellationToken ct) =>
        await Ledger.PostAsync(c, tx, new MovementToPost(MovementKinds.CountAdjustment, sku, null, Math.Abs(delta),
            delta < 0 ? locationId : null, delta > 0 ? locationId : null, count.At, count.Actor, $"shelf count {count.Source}", count.Device,
            null, count.Id), allowShortfall: true, ct);
}
