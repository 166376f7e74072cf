using Inventory.Api.Catalogue;
using Inventory.Api.Infrastructure;
using Inventory.Api.Prices;
using Npgsql;

namespace Inventory.Api.Stock;

/// <summary>
/// Keeps what a counted place's shelf counts derive (a COOP fridge's sales, a kiosk's missing and found units) equal
/// to <see cref="SellThrough"/> over the facts in event time, whatever order they arrived in (rule "Figures come from the facts, in event time",
/// docs/ledger.md). Each count is kept as a fact; a fact that arrives with a time before facts already derived (a
/// late count, a backdated delivery, a line ticked after the door closed) re-derives the counts it can change, in
/// the same transaction, and the differences are posted as movements that name their count: more sold is a sale,
/// less is a <c>sale_reversal</c> at the price and lot it was booked at, found stock a count adjustment either way.
/// The caller holds the place's lock (<see cref="LockPlacesAsync"/>).
/// </summary>
public static class ShelfLedger
{
    /// <summary>
    /// How far before a new fact a count's outcome can change: the fact's own window, a re-placed movement's, and
    /// the count before that (found stock gives back to the count before it).
    /// </summary>
    private static readonly TimeSpan Reach = 4 * SellThrough.MatchWindow;

    private const string CountOrder = "counted_at, device_id, seq";

    /// <summary>A window's start ($2), from the beginning when null: a range an index answers in a prepared statement's generic plan.</summary>
    private const string From = "coalesce($2::timestamptz, '-infinity')";

    /// <summary>Facts of one place are applied one at a time: a count, a sale and a delivery never interleave. Places in id order.</summary>
    public static async Task LockPlacesAsync(NpgsqlConnection c, NpgsqlTransaction tx, IEnumerable<long> locationIds, CancellationToken ct)
    {
        foreach (var id in locationIds.Distinct().Order())
        {
            await using var command = c.Command(tx, "SELECT pg_advisory_xact_lock(1, $1::int)", (int)id);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Keeps a count as a fact (catalogued SKUs only: an unknown one is the caller's discrepancy).</summary>
    public static async Task<long> RecordCountAsync(NpgsqlConnection c, NpgsqlTransaction tx, long locationId, string deviceId, long seq, DateTimeOffset at,
        IEnumerable<(string Sku, int Units)> items, CancellationToken ct)
    {
        await using var insert = c.Command(tx, "INSERT INTO shelf_counts (location_id, device_id, seq, counted_at) VALUES ($1, $2, $3, $4) RETURNING id",
            locationId, deviceId, seq, at.UtcDateTime);
        var id = (long)(await insert.ExecuteScalarAsync(ct))!;
        var list = items.ToList();
        if (list.Count == 0) return id;
        await using var command = c.Command(tx, "INSERT INTO shelf_count_items (count_id, sku, units) SELECT $1, * FROM unnest($2::text[], $3::int[])",
            id, list.Select(i => i.Sku).ToArray(), list.Select(i => i.Units).ToArray());
        await command.ExecuteNonQueryAsync(ct);
        return id;
    }

    /// <summary>
    /// After a movement that its counts did not derive was posted at a place: re-derives the place's counts if the
    /// movement is dated before (or, ticked by a person, near) its latest count. Nothing to do at an uncounted place.
    /// </summary>
    public static async Task AfterMovementAsync(NpgsqlConnection c, NpgsqlTransaction tx, long locationId, DateTimeOffset at, bool ticked, CancellationToken ct)
    {
        if (await ReachesCountsAsync(c, tx, locationId, at, ticked, ct)) await RederiveAsync(c, tx, locationId, at, ct);
        await FridgeMoves.KeepAsync(c, tx, locationId, at, ct);
    }

    /// <summary>
    /// Whether a movement at <paramref name="at"/> can change what the place's counts derived: it is dated before the
    /// latest count or, ticked by a person (no device), within the match window of it. False at an uncounted place.
    /// </summary>
    private static async Task<bool> ReachesCountsAsync(NpgsqlConnection c, NpgsqlTransaction tx, long locationId, DateTimeOffset at, bool ticked, CancellationToken ct)
    {
        await using var latest = c.Command(tx, "SELECT max(counted_at) FROM shelf_counts WHERE location_id = $1", locationId);
        return await latest.ExecuteScalarAsync(ct) is DateTime last && last >= (ticked ? at - SellThrough.MatchWindow : at).UtcDateTime;
    }

    /// <summary>
    /// A removal dated before counts that already booked its units as sold (a theft recorded after the fridge counted
    /// the shelf without the can, a pick-up entered the next day) finds the shelf emptied by those sales: the counts are
    /// re-derived as if it were there, which gives its units back to the shelf, and it is taken away again for the
    /// caller to post for real. Only when its units stood there at its time, in event time (more is a shortfall
    /// whatever came after). Whether the shelf now holds enough is the caller's check; if not, the caller refuses and
    /// the transaction, re-derivation and all, is rolled back. False when nothing was given back.
    /// </summary>
    public static async Task<bool> GiveBackForLateRemovalAsync(NpgsqlConnection c, NpgsqlTransaction tx, long locationId, MovementToPost removal, CancellationToken ct)
    {
        if (!await ReachesCountsAsync(c, tx, locationId, removal.OccurredAt, ticked: removal.DeviceId is null, ct)) return false;
        // Only what stood there then, in event time, can have been removed then: more is a shortfall whatever came after.
        if (await Ledger.UnitsAsOfAsync(c, tx, removal.Sku, locationId, removal.OccurredAt, ct) < removal.Units) return false;
        await using var provisional = c.Command(tx, """
            INSERT INTO movements (kind, sku, lot_code, units, from_location_id, occurred_at, actor, device_id) VALUES ($1, $2, '', $3, $4, $5, $6, $7) RETURNING id
            """, removal.Kind, removal.Sku, removal.Units, locationId, removal.OccurredAt.UtcDateTime, removal.Actor, Db.Typed(removal.DeviceId, NpgsqlTypes.NpgsqlDbType.Text));
        var id = (long)(await provisional.ExecuteScalarAsync(ct))!;
        await RederiveAsync(c, tx, locationId, removal.OccurredAt, ct);
        await using var withdraw = c.Command(tx, "DELETE FROM movements WHERE id = $1", id);
        await withdraw.ExecuteNonQueryAsync(ct);
        return true;
    }

    /// <summary>
    /// Re-derives every count of the place that a fact at <paramref name="since"/> can change and posts the
    /// differences; returns the outcomes of the counts re-derived, by count and SKU.
    /// </summary>
    public static async Task<Dictionary<(long CountId, string Sku), CountOutcome>> RederiveAsync(NpgsqlConnection c, NpgsqlTransaction tx, long locationId,
        DateTimeOffset since, CancellationToken ct)
    {
        var (anchor, countsFrom, movementsFrom) = await WindowAsync(c, tx, locationId, since, ct);
        return await DeriveWindowAsync(c, tx, locationId, anchor, countsFrom, movementsFrom, ct);
    }

    /// <summary>
    /// After a new count: when it is the place's latest and no person's movement is near the counts it can change (the
    /// ordinary case, counts arriving in order), only it and the count before it are re-derived, from the count
    /// before that; otherwise as any late fact (<see cref="RederiveAsync"/>). Both give the same outcomes: without a
    /// ticked movement nearby, every movement is placed by its own time, and a later count changes no earlier one but
    /// the count it gives back to.
    /// </summary>
    public static async Task<Dictionary<(long CountId, string Sku), CountOutcome>> RederiveAfterCountAsync(NpgsqlConnection c, NpgsqlTransaction tx,
        long locationId, long countId, DateTimeOffset at, CancellationToken ct)
    {
        await using var window = c.Command(tx, $"""
            SELECT id, counted_at FROM shelf_counts
            WHERE location_id = $1 AND id <> $2 AND counted_at < $3
              AND NOT EXISTS (SELECT 1 FROM shelf_counts WHERE location_id = $1 AND id <> $2 AND counted_at >= $3)
            ORDER BY counted_at DESC, device_id DESC, seq DESC LIMIT 2
            """, locationId, countId, at.UtcDateTime);
        var before = await window.ListAsync(r => (Id: r.GetInt64(0), At: r.GetFieldValue<DateTimeOffset>(1)), ct);
        if (before.Count == 2)
        {
            var anchor = before[1];
            await using var ticked = c.Command(tx, """
                SELECT EXISTS (SELECT 1 FROM movements WHERE (to_location_id = $1 OR from_location_id = $1) AND shelf_count_id IS NULL
                               AND device_id IS NULL AND occurred_at BETWEEN $2 AND $3)
                """, locationId, (anchor.At - SellThrough.MatchWindow).UtcDateTime, (at + SellThrough.MatchWindow).UtcDateTime);
            if (!(bool)(await ticked.ExecuteScalarAsync(ct))!)
                return await DeriveWindowAsync(c, tx, locationId, anchor, anchor.At.UtcDateTime, anchor.At.UtcDateTime, ct);
        }
        return await RederiveAsync(c, tx, locationId, at, ct);
    }

    /// <summary>The counts a fact at <paramref name="since"/> can change: the anchor they are derived from, and from when to load counts and movements.</summary>
    private static async Task<((long Id, DateTimeOffset At)? Anchor, DateTime? CountsFrom, DateTime? MovementsFrom)> WindowAsync(NpgsqlConnection c,
        NpgsqlTransaction tx, long locationId, DateTimeOffset since, CancellationToken ct)
    {
        // The anchor is the second count before the reach: the count after it is re-derived (a count within the reach may
        // give back to it), the anchor itself is not, and its units are where the shelf stood.
        await using var before = c.Command(tx, $"""
            SELECT id, counted_at FROM shelf_counts WHERE location_id = $1 AND counted_at < $2
            ORDER BY counted_at DESC, device_id DESC, seq DESC LIMIT 2
            """, locationId, (since - Reach).UtcDateTime);
        var earlier = await before.ListAsync(r => (Id: r.GetInt64(0), At: r.GetFieldValue<DateTimeOffset>(1)), ct);
        (long Id, DateTimeOffset At)? anchor = earlier.Count == 2 ? earlier[1] : null;

        DateTime? countsFrom = null, movementsFrom = null;
        if (anchor is { } a)
        {
            // Counts from two windows before the anchor, and one more: placing a movement near the anchor needs the
            // counts around it and the count before each (docs/ledger.md, "How far a late fact reaches").
            movementsFrom = (a.At - SellThrough.MatchWindow).UtcDateTime;
            await using var context = c.Command(tx, "SELECT max(counted_at) FROM shelf_counts WHERE location_id = $1 AND counted_at < $2",
                locationId, (a.At - 2 * SellThrough.MatchWindow).UtcDateTime);
            countsFrom = await context.ExecuteScalarAsync(ct) as DateTime? ?? (a.At - 2 * SellThrough.MatchWindow).UtcDateTime;
        }
        return (anchor, countsFrom, movementsFrom);
    }

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
                Query($"SELECT id, counted_at, device_id, seq FROM shelf_counts WHERE location_id = $1 AND counted_at >= {From} ORDER BY {CountOrder}",
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
            while (await reader.ReadAsync(ct)) counts.Add(new CountRow(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetInt64(3)));
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
        foreach (var sku in skus)
        {
            var facts = counts.Select(k => new CountFact(k.Id, k.At, items.GetValueOrDefault((k.Id, sku)))).ToList();
            var derived = SellThrough.Derive(facts, movements[sku].ToList());
            for (var i = firstDerived; i < counts.Count; i++)
            {
                var outcome = derived[i];
                outcomes[(counts[i].Id, sku)] = outcome;
                var (sold, adjusted) = posted.GetValueOrDefault((counts[i].Id, sku));
                var (targetSold, targetAdjusted) = sellsThrough ? (outcome.Gone, outcome.Found) : (0, outcome.Found - outcome.Gone);
                if (targetSold != sold) await PostSoldAsync(c, tx, counts[i], locationId, sku, targetSold - sold, ct);
                if (targetAdjusted != adjusted) await PostAdjustmentAsync(c, tx, counts[i], locationId, sku, targetAdjusted - adjusted, ct);
                changed |= targetSold != sold || targetAdjusted != adjusted;
                if (Math.Abs(targetAdjusted) > Math.Abs(adjusted)) await ShelfDiscrepancies.RecordAsync(c, tx, counts[i].DeviceId, counts[i].At, locationId, sku, outcome, sellsThrough, ct);
                else if (Math.Abs(targetAdjusted) < Math.Abs(adjusted)) await ShelfDiscrepancies.CloseAsync(c, tx, counts[i].DeviceId, counts[i].At, locationId, sku, ct);
            }
        }
        // What the shelf held before a fridge moved away changed: what moved with it follows.
        if (changed && movedAway) await FridgeMoves.KeepAsync(c, tx, locationId, counts[firstDerived].At, ct);
        return outcomes;
    }

    private sealed record CountRow(long Id, DateTimeOffset At, string DeviceId, long Seq);

    private static async Task PostSoldAsync(NpgsqlConnection c, NpgsqlTransaction tx, CountRow count, long locationId, string sku, int more, CancellationToken ct)
    {
        var actor = $"device:{count.DeviceId}";
        if (more > 0)
        {
            await Ledger.PostAsync(c, tx, new MovementToPost(MovementKinds.Sale, sku, null, more, locationId, null, count.At, actor,
                $"sold from the fridge between shelf counts (seq {count.Seq})", count.DeviceId,
                await PriceQueries.PriceAsync(c, tx, sku, PriceChannels.Fridge, count.At, ct), count.Id), allowShortfall: true, ct);
            return;
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
                $"not sold after all: count seq {count.Seq} re-derived from facts known later", count.DeviceId, price, count.Id), allowShortfall: true, ct);
            if ((left -= take) == 0) break;
        }
    }

    private static async Task PostAdjustmentAsync(NpgsqlConnection c, NpgsqlTransaction tx, CountRow count, long locationId, string sku, int delta, CancellationToken ct) =>
        await Ledger.PostAsync(c, tx, new MovementToPost(MovementKinds.CountAdjustment, sku, null, Math.Abs(delta),
            delta < 0 ? locationId : null, delta > 0 ? locationId : null, count.At, $"device:{count.DeviceId}", $"shelf count seq {count.Seq}", count.DeviceId,
            null, count.Id), allowShortfall: true, ct);
}
