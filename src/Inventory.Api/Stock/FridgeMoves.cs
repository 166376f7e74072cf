using Inventory.Api.Infrastructure;
using Npgsql;

namespace Inventory.Api.Stock;

/// <summary>
/// A COOP fridge that moves takes its beer with it (or has it closed where it stood): from the moment it left, its old
/// place holds nothing, in event time. The lead re-places the device when the fridge is on its way, but the old place's
/// counts and people's movements from before the move often arrive later (the gateways forward in their own time, a
/// Wi-Fi outage holds the last night's counts, a theft is reported the next morning): each time the old place's facts
/// before the move change, what moved is made up to what stood there when it left, and the new place's counts are
/// re-derived (docs/ledger.md, "A fridge that moves").
/// </summary>
public static class FridgeMoves
{
    /// <summary>
    /// A fridge's move in the ledger: a transfer or closing posted by its device, derived from no count, to where the
    /// device was placed at that moment (what a move gives back goes the other way, and is no move of the place it leaves).
    /// </summary>
    private const string IsMove = """
        device_id IS NOT NULL AND shelf_count_id IS NULL AND kind IN ('transfer', 'count_adjustment')
        AND EXISTS (SELECT 1 FROM device_placements p WHERE p.device_id = movements.device_id AND p.since = movements.occurred_at
                    AND p.location_id IS NOT DISTINCT FROM movements.to_location_id)
        """;

    /// <summary>Whether the place held beer when the fridge left it (its stock must then move or be closed).</summary>
    public static async Task<bool> HeldAnyAsync(NpgsqlConnection c, NpgsqlTransaction tx, long place, DateTimeOffset at, CancellationToken ct) =>
        (await HeldAsync(c, tx, place, at, ct)).Any(h => h.Units > 0);

    /// <summary>
    /// Moves what stood at <paramref name="left"/> at <paramref name="at"/> to <paramref name="to"/> with the fridge, or
    /// closes it there (<paramref name="to"/> null): the old place holds nothing from then on.
    /// </summary>
    public static Task PostAsync(NpgsqlConnection c, NpgsqlTransaction tx, string deviceId, long left, long? to, DateTimeOffset at, string actor, CancellationToken ct) =>
        MakeUpAsync(c, tx, new Move(deviceId, left, to, at, actor), ct);

    /// <summary>
    /// After the facts of <paramref name="place"/> from <paramref name="since"/> on changed: each fridge that moved away
    /// from it since then takes what stood there when it left, no more and no less.
    /// </summary>
    public static async Task KeepAsync(NpgsqlConnection c, NpgsqlTransaction tx, long place, DateTimeOffset since, CancellationToken ct)
    {
        await using var command = c.Command(tx, $"""
            SELECT DISTINCT ON (occurred_at) device_id, to_location_id, occurred_at, actor FROM movements
            WHERE from_location_id = $1 AND occurred_at >= $2 AND {IsMove} ORDER BY occurred_at, id
            """, place, since.UtcDateTime);
        var moves = await command.ListAsync(r => new Move(r.GetString(0), place, r.IsDBNull(1) ? null : r.GetInt64(1), r.GetFieldValue<DateTimeOffset>(2), r.GetString(3)), ct);
        foreach (var move in moves) await MakeUpAsync(c, tx, move, ct);
    }

    /// <summary>
    /// Whether a removal the shelf no longer holds may be posted anyway: its units stood at the place at its time and a
    /// fridge moved away with them after it (the move then gives them back).
    /// </summary>
    public static async Task<bool> GivesBackAsync(NpgsqlConnection c, NpgsqlTransaction tx, long place, MovementToPost removal, CancellationToken ct)
    {
        await using var moved = c.Command(tx, $"SELECT EXISTS (SELECT 1 FROM movements WHERE from_location_id = $1 AND occurred_at > $2 AND {IsMove})",
            place, removal.OccurredAt.UtcDateTime);
        return (bool)(await moved.ExecuteScalarAsync(ct))! && await Ledger.UnitsAsOfAsync(c, tx, removal.Sku, place, removal.OccurredAt, ct) >= removal.Units;
    }

    /// <summary>The query, for a batch with the place as $1 and the moment as $2, of whether a fridge moved away from it since.</summary>
    public const string MovedAwaySince =
        $"SELECT EXISTS (SELECT 1 FROM movements WHERE from_location_id = $1 AND occurred_at >= coalesce($2::timestamptz, '-infinity') AND {IsMove})";

    private const int MaxMakeUps = 10_000;

    private sealed record Move(string DeviceId, long Left, long? To, DateTimeOffset At, string Actor);

    /// <summary>
    /// Posts what brings the old place to nothing at the move: more moved (or closed), or some given back. One SKU at a
    /// time, asked again after each: a posting re-derives the places it touches, which may make the rest up already.
    /// </summary>
    private static async Task MakeUpAsync(NpgsqlConnection c, NpgsqlTransaction tx, Move move, CancellationToken ct)
    {
        for (var postings = 0; (await HeldAsync(c, tx, move.Left, move.At, ct)) is [var (sku, units), ..]; postings++)
        {
            // Each posting brings one SKU to nothing; a place still holding something after that many is a bug, not a loop to wait on.
            if (postings > MaxMakeUps) throw new InvalidOperationException($"the move of {move.DeviceId} at {move.At:O} does not settle");
            var (from, to) = units > 0 ? (move.Left, move.To) : (move.To, (long?)move.Left);
            var why = move.To is null ? $"fridge {move.DeviceId} moved away: its stock closed there" : $"moved with fridge {move.DeviceId}";
            await Ledger.PostAsync(c, tx, new MovementToPost(move.To is null ? MovementKinds.CountAdjustment : MovementKinds.Transfer, sku, null, Math.Abs(units),
                from, to, move.At, move.Actor, units > 0 ? why : $"{why} (what stood there then, known later)", move.DeviceId), allowShortfall: true, ct);
        }
    }

    /// <summary>What the place held of each SKU at a moment, in event time (the move's own movements at that moment included).</summary>
    private static async Task<List<(string Sku, int Units)>> HeldAsync(NpgsqlConnection c, NpgsqlTransaction tx, long place, DateTimeOffset at, CancellationToken ct)
    {
        await using var command = c.Command(tx, """
            SELECT sku, sum(CASE WHEN to_location_id = $1 THEN units ELSE -units END)::int FROM movements
            WHERE (to_location_id = $1 OR from_location_id = $1) AND occurred_at <= $2
            GROUP BY sku HAVING sum(CASE WHEN to_location_id = $1 THEN units ELSE -units END) <> 0 ORDER BY sku
            """, place, at.UtcDateTime);
        return await command.ListAsync(r => (r.GetString(0), r.GetInt32(1)), ct);
    }
}
