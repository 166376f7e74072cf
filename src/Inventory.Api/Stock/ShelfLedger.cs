using Inventory.Api.Infrastructure;
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
public static partial class ShelfLedger
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

    /// <summary>
    /// Keeps a count as a fact (catalogued SKUs only: an unknown one is the caller's discrepancy). A person's count names
    /// who counted; <paramref name="listsOnly"/>: it covers only the SKUs it lists (a brewer's, of its own beers).
    /// </summary>
    public static async Task<long> RecordCountAsync(NpgsqlConnection c, NpgsqlTransaction tx, long locationId, string deviceId, long seq, DateTimeOffset at,
        IEnumerable<(string Sku, int Units)> items, CancellationToken ct, string? countedBy = null, bool listsOnly = false)
    {
        await using var insert = c.Command(tx, """
            INSERT INTO shelf_counts (location_id, device_id, seq, counted_at, counted_by, lists_only) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
            """,
            /* $1 */ locationId,
            /* $2 */ deviceId,
            /* $3 */ seq,
            /* $4 */ at.UtcDateTime,
            /* $5 */ Db.Typed(countedBy, NpgsqlTypes.NpgsqlDbType.Text),
            /* $6 */ listsOnly);
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
            """,
            /* $1 */ removal.Kind,
            /* $2 */ removal.Sku,
            /* $3 */ removal.Units,
            /* $4 */ locationId,
            /* $5 */ removal.OccurredAt.UtcDateTime,
            /* $6 */ removal.Actor,
            /* $7 */ Db.Typed(removal.DeviceId, NpgsqlTypes.NpgsqlDbType.Text));
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
            WHERE location_id = $1 AND id <> $2 AND counted_at < $3 AND NOT lists_only
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
        // give back to it), the anchor itself is not, and its units are where the shelf stood — of every SKU, so only a
        // count that covers every SKU anchors (a brewer's count of its own beers says nothing of the others').
        await using var before = c.Command(tx, $"""
            SELECT id, counted_at FROM shelf_counts WHERE location_id = $1 AND counted_at < $2 AND NOT lists_only
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
}
