using Inventory.Api.Alerts;
using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Inventory.Api.Stock;

/// <summary>A lot exposed to heat, as people decide on it.</summary>
public sealed record ExposureView(long Id, long AlertId, string Location, string LocationName, string Sku, string BeerName, string Brewery, string LotCode, int Units,
    DateTimeOffset ExcursionFrom, DateTimeOffset? ExcursionTo, double? Peak, string? Decision, string? DecidedBy, DateTimeOffset? DecidedAt, string? DecisionNote, int? DiscardedUnits);

/// <summary>Keep the exposed beer, or discard it (a loss of what is still on the shelf, at most the exposed units).</summary>
public sealed record ExposureDecision(string? Decision, string? Note) : IValidatable
{
    public void Validate(Validator v) => v
        .Require(Decision is "keep" or "discard", "decision", "must be keep or discard")
        .Require(Note is null || Note.Length <= 500, "note", "must be at most 500 characters");
}

/// <summary>
/// The exposed-stock rule at work: finds the lots a long excursion exposed (<see cref="ExposureRule"/>, in
/// the outbox worker's passes), tells their brewers through the outbox, and records the decisions.
/// </summary>
public sealed class Exposures(NpgsqlDataSource db, IOptions<ExposureOptions> options, TimeProvider time)
{
    /// <summary>How often an excursion still going is looked at again.</summary>
    private static readonly TimeSpan RecheckEvery = TimeSpan.FromMinutes(1);

    /// <summary>Works out the exposures of the excursions long enough; returns how many lots were newly exposed.</summary>
    public async Task<int> FindAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var limit = options.Value.ExposedAfter;
        // Due: never worked out, a fact it rests on learnt since (its clear, a movement dated before its end: migration
        // 0034), or still going (it grows with the clock). One that is not long enough (any more) is worked out too when it
        // had been: what it exposed while it looked long is withdrawn.
        await using var due = db.Command("""
            SELECT id, location_id, raised_at, cleared_at, exposure_facts FROM alerts
            WHERE type = 'temperature_high' AND location_id IS NOT NULL
              AND (coalesce(cleared_at, $1) - raised_at >= $2 OR exposure_facts_seen IS NOT NULL)
              AND (exposure_facts_seen IS NULL OR exposure_facts_seen < exposure_facts OR (cleared_at IS NULL AND exposure_checked_at < $3))
            ORDER BY id LIMIT 50
            """, now.UtcDateTime, limit, (now - RecheckEvery).UtcDateTime);
        var alerts = await due.ListAsync(r => (Id: r.GetInt64(0), Location: r.GetInt64(1), From: r.GetFieldValue<DateTimeOffset>(2),
            To: r.IsDBNull(3) ? (DateTimeOffset?)null : r.GetFieldValue<DateTimeOffset>(3), Facts: r.GetInt64(4)), ct);
        var found = 0;
        foreach (var alert in alerts) found += await FindAsync(alert.Id, alert.Location, alert.From, alert.To ?? now, alert.Facts, now, limit, ct);
        return found;
    }

    /// <summary>
    /// One excursion: every lot at the place, its level when the excursion began and its changes during it, in one
    /// transaction. What it finds replaces what was found before (a lot nobody decided on yet): the facts as now known.
    /// </summary>
    private async Task<int> FindAsync(long alertId, long location, DateTimeOffset from, DateTimeOffset to, long factsRead, DateTimeOffset now, TimeSpan limit,
        CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        // Each lot's level when the excursion began (summed by PostgreSQL, however long the fridge's history),
        // then its changes during the excursion.
        await using var levels = c.Command(tx, """
            SELECT sku, lot_code, sum(CASE WHEN to_location_id = $1 THEN units ELSE -units END)::int
            FROM movements WHERE (to_location_id = $1 OR from_location_id = $1) AND occurred_at <= $2
            GROUP BY sku, lot_code
            """, location, from.UtcDateTime);
        var atStart = (await levels.ListAsync(r => (Lot: (r.GetString(0), r.GetString(1)), Units: r.GetInt32(2)), ct)).ToDictionary(l => l.Lot, l => l.Units);
        await using var moves = c.Command(tx, """
            SELECT sku, lot_code, occurred_at, CASE WHEN to_location_id = $1 THEN units ELSE -units END
            FROM movements WHERE (to_location_id = $1 OR from_location_id = $1) AND occurred_at > $2 AND occurred_at <= $3
            """, location, from.UtcDateTime, to.UtcDateTime);
        var during = (await moves.ListAsync(r => (Lot: (r.GetString(0), r.GetString(1)), Change: new ExposureRule.Change(r.GetFieldValue<DateTimeOffset>(2), r.GetInt32(3))), ct))
            .ToLookup(m => m.Lot, m => m.Change);
        // Lots withdrawn before that the facts expose again are told again, as new.
        await using var withdrawnBefore = c.Command(tx, "SELECT sku, lot_code FROM stock_exposures WHERE alert_id = $1 AND decision IS NULL AND withdrawn_at IS NOT NULL", alertId);
        var toldWithdrawn = (await withdrawnBefore.ListAsync(r => (r.GetString(0), r.GetString(1)), ct)).ToHashSet();
        var found = 0;
        var exposed = new List<(string Sku, string Lot)>();
        var lots = atStart.Keys.Union(during.Select(g => g.Key)).GroupBy(l => l.Item1)
            .SelectMany(beer => ExposureRule.ExposedByLot([.. beer.Select(l => new ExposureRule.LotFacts(l.Item2, atStart.GetValueOrDefault(l), [.. during[l]]))], from, to, limit)
                .Select(lot => (Lot: (beer.Key, lot.Key), Units: lot.Value)));
        foreach (var (lot, units) in lots)
        {
            var (sku, lotCode) = lot;
            if (units <= 0) continue;
            exposed.Add(lot);
            // Worked out again (the excursion went on, a fact came late): the facts as now known stand until someone decides.
            await using var upsert = c.Command(tx, """
                INSERT INTO stock_exposures AS e (alert_id, location_id, sku, lot_code, units, found_at) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (alert_id, sku, lot_code) DO UPDATE SET units = EXCLUDED.units, withdrawn_at = NULL WHERE e.decision IS NULL
                RETURNING id, xmax = 0
                """,
                /* $1 */ alertId,
                /* $2 */ location,
                /* $3 */ sku,
                /* $4 */ lotCode,
                /* $5 */ units,
                /* $6 */ now.UtcDateTime);
            var rows = await upsert.ListAsync(r => (Id: r.GetInt64(0), Inserted: r.GetBoolean(1)), ct);
            if (rows is [var row] && (row.Inserted || toldWithdrawn.Contains(lot)))
            {
                found++;
                await using var note = c.Command(tx, "INSERT INTO notification_events (kind, alert_id, exposure_id, sku, location_id, units) VALUES ('stock_exposed', $1, $2, $3, $4, $5)",
                    /* $1 */ alertId,
                    /* $2 */ row.Id,
                    /* $3 */ sku,
                    /* $4 */ location,
                    /* $5 */ units);
                await note.ExecuteNonQueryAsync(ct);
            }
        }
        // A lot exposed before, nobody decided on, that the facts as now known do not expose: withdrawn, and those told of
        // it are told there is nothing left to decide (rule "People are told, once": of each thing that changes for them).
        await using var withdraw = c.Command(tx, """
            WITH withdrawn AS (
                UPDATE stock_exposures SET withdrawn_at = $2
                WHERE alert_id = $1 AND decision IS NULL AND withdrawn_at IS NULL AND NOT ((sku, lot_code) = ANY (SELECT * FROM unnest($3::text[], $4::text[])))
                RETURNING id, sku, location_id, units)
            INSERT INTO notification_events (kind, alert_id, exposure_id, sku, location_id, units)
            SELECT 'stock_exposure_withdrawn', $1, id, sku, location_id, units FROM withdrawn
            """,
            /* $1 */ alertId,
            /* $2 */ now.UtcDateTime,
            /* $3 */ exposed.Select(l => l.Sku).ToArray(),
            /* $4 */ exposed.Select(l => l.Lot).ToArray());
        await withdraw.ExecuteNonQueryAsync(ct);
        await using var checkedNow = c.Command(tx, "UPDATE alerts SET exposure_checked_at = $2, exposure_facts_seen = $3 WHERE id = $1", alertId, now.UtcDateTime, factsRead);
        await checkedNow.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return found;
    }

    /// <summary>Exposed lots a caller may see (a brewer: its own beers'), undecided first, then the latest decided.</summary>
    public Task<List<ExposureView>> ListAsync(Caller caller, bool undecidedOnly, CancellationToken ct) => QueryAsync(caller, undecidedOnly, null, ct);

    private async Task<ExposureView?> FindAsync(long id, Caller caller, CancellationToken ct) => (await QueryAsync(caller, false, id, ct)).SingleOrDefault();

    private async Task<List<ExposureView>> QueryAsync(Caller caller, bool undecidedOnly, long? id, CancellationToken ct)
    {
        await using var command = db.Command($"""
            SELECT e.id, e.alert_id, l.code, l.name, e.sku, b.name, br.slug, e.lot_code, e.units, a.raised_at, a.cleared_at, a.peak_value,
                   e.decision, e.decided_by, e.decided_at, e.decision_note, e.discarded_units
            FROM stock_exposures e JOIN alerts a ON a.id = e.alert_id JOIN locations l ON l.id = e.location_id
            JOIN beers b ON b.sku = e.sku JOIN breweries br ON br.id = b.brewery_id
            WHERE ($1::bigint IS NULL OR {Visibility.BeerOf("$1")}) AND (NOT $2 OR e.decision IS NULL) AND ($3::bigint IS NULL OR e.id = $3)
              AND (e.withdrawn_at IS NULL OR e.decision IS NOT NULL)
            ORDER BY e.decision IS NOT NULL, e.id DESC LIMIT 200
            """, Visibility.OnlyBrewery(caller), undecidedOnly, Db.Typed(id, NpgsqlTypes.NpgsqlDbType.Bigint));
        return await command.ListAsync(r => new ExposureView(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
            r.GetString(7), r.GetInt32(8), r.GetFieldValue<DateTimeOffset>(9), r.IsDBNull(10) ? null : r.GetFieldValue<DateTimeOffset>(10), r.IsDBNull(11) ? null : r.GetDouble(11),
            r.IsDBNull(12) ? null : r.GetString(12), r.IsDBNull(13) ? null : r.GetString(13), r.IsDBNull(14) ? null : r.GetFieldValue<DateTimeOffset>(14),
            r.IsDBNull(15) ? null : r.GetString(15), r.IsDBNull(16) ? null : r.GetInt32(16)), ct);
    }

    /// <summary>
    /// Records the decision once (a second answers what was decided): discard posts a loss of the lot's units
    /// still at the place, at most the exposed ones, in the same transaction. The lead decides any; a brewer its own beers'.
    /// </summary>
    public async Task<ExposureView> DecideAsync(long id, ExposureDecision body, Caller caller, CancellationToken ct)
    {
        // A brewer finds only its own beers' exposures (another's is a 404): the one who may decide.
        var exposure = await FindAsync(id, caller, ct) ?? throw new DomainProblem(Problems.NotFound("exposure", $"exposure {id}"));
        if (exposure.Decision is not null) return exposure;
        var now = time.GetUtcNow();
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await using var claim = c.Command(tx, """
            UPDATE stock_exposures SET decision = $2, decided_by = $3, decided_at = $4, decision_note = $5 WHERE id = $1 AND decision IS NULL RETURNING location_id
            """,
            /* $1 */ id,
            /* $2 */ body.Decision,
            /* $3 */ caller.Name,
            /* $4 */ now.UtcDateTime,
            /* $5 */ body.Note?.Trim() is { Length: > 0 } note ? note : null);
        if (await claim.ExecuteScalarAsync(ct) is not long location) return (await FindAsync(id, caller, ct))!; // decided meanwhile
        if (body.Decision == "discard")
        {
            await using var held = c.Command(tx, "SELECT coalesce(sum(units), 0)::int FROM stock_levels WHERE sku = $1 AND location_id = $2 AND lot_code = $3", exposure.Sku, location, exposure.LotCode);
            var units = Math.Min(exposure.Units, (int)(await held.ExecuteScalarAsync(ct))!);
            if (units > 0)
                await Ledger.PostAsync(c, tx, new MovementToPost(MovementKinds.Loss, exposure.Sku, exposure.LotCode, units, location, null, now, caller.Name,
                    $"exposed to heat (alert {exposure.AlertId}): discarded"), allowShortfall: false, ct);
            await using var discarded = c.Command(tx, "UPDATE stock_exposures SET discarded_units = $2 WHERE id = $1", id, units);
            await discarded.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return (await FindAsync(id, caller, ct))!;
    }
}
