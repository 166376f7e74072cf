using Inventory.Api.Auth;
using Inventory.Api.Catalogue;
using Inventory.Api.Infrastructure;
using Npgsql;
using NpgsqlTypes;

namespace Inventory.Api.Stock;

/// <summary>
/// Reading the ledger as a caller may see it (rule "Each brewery sees its own": a brewer sees its own beers anywhere and every
/// beer in the shared places' levels, and only its own beers' movements and discrepancies). Used by the
/// API and the dashboard alike.
/// </summary>
public sealed class StockQueries(NpgsqlDataSource db, StockReadCache cache)
{
    /// <summary>Levels per SKU, location and lot, now (from the cache when it is exact) or as of a past moment.</summary>
    public async Task<IReadOnlyList<StockRow>> LevelsAsync(Caller caller, string? brewery, string? location, string? sku, DateTimeOffset? asOf, CancellationToken ct)
    {
        var visibleTo = caller.IsLead ? null : caller.BreweryId;
        if (asOf is not null) return await QueryLevelsAsync(visibleTo, brewery, location, sku, asOf, ct);
        var query = new StockQuery(brewery, location, sku, visibleTo);
        if (cache.TryGet(query, out var cached)) return cached;
        var startedAt = cache.Generation;
        var rows = await QueryLevelsAsync(visibleTo, brewery, location, sku, null, ct);
        cache.Store(query, startedAt, rows);
        return rows;
    }

    private async Task<List<StockRow>> QueryLevelsAsync(long? visibleTo, string? brewery, string? location, string? sku, DateTimeOffset? asOf, CancellationToken ct)
    {
        await using var command = db.CreateCommand();
        // Now: the maintained levels. As of a past moment: derived from the ledger itself.
        var levels = "SELECT sku, location_id, lot_code, units FROM stock_levels";
        if (asOf is not null)
        {
            command.With(Db.Typed(asOf.Value.UtcDateTime, NpgsqlDbType.TimestampTz));
            levels = """
                SELECT sku, location_id, lot_code, sum(delta)::int AS units FROM (
                    SELECT sku, to_location_id AS location_id, lot_code, units AS delta FROM movements WHERE to_location_id IS NOT NULL AND occurred_at <= $1
                    UNION ALL
                    SELECT sku, from_location_id, lot_code, -units FROM movements WHERE from_location_id IS NOT NULL AND occurred_at <= $1
                ) d GROUP BY sku, location_id, lot_code
                """;
        }
        var where = new SqlConditions(command)
            .Add("s.units <> 0")
            .Add("br.slug = {0}", brewery, NpgsqlDbType.Text)
            .Add("l.code = {0}", location, NpgsqlDbType.Text)
            .Add("s.sku = {0}", sku, NpgsqlDbType.Text)
            // A shared place's current levels are on a glass shelf for every brewer; its past levels are not: two dated
            // reads a second apart would show another brewery's sale (rule "Each brewery sees its own", docs/security.md).
            .Add(asOf is null ? $"({Visibility.BeerOf("{0}")} OR l.kind IN {LocationKinds.SharedSql})" : Visibility.BeerOf("{0}"), visibleTo, NpgsqlDbType.Bigint);
        command.CommandText = $"""
            SELECT s.sku, b.name, br.slug, b.format, l.code, l.name, l.kind, l.region, s.lot_code, s.units, b.units_per_case
            FROM ({levels}) s
            JOIN beers b ON b.sku = s.sku
            LEFT JOIN breweries br ON br.id = b.brewery_id
            JOIN locations l ON l.id = s.location_id
            WHERE {where}
            ORDER BY s.sku, l.code, s.lot_code
            """;
        return await command.ListAsync(r =>
        {
            var units = r.GetInt32(9);
            var split = CasesAndUnits.Of(units, r.GetInt32(10));
            return new StockRow(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                r.GetString(6), r.GetString(7), r.GetString(8), units, split.Cases, split.Units);
        }, ct);
    }

    /// <summary>What the ledger holds at the place a device stands, per SKU (the fridge page compares it with the last shelf count).</summary>
    public async Task<Dictionary<string, int>> AtDeviceAsync(string deviceId, CancellationToken ct)
    {
        await using var command = db.Command("""
            SELECT s.sku, sum(s.units)::int FROM stock_levels s JOIN devices d ON d.location_id = s.location_id
            WHERE d.device_id = $1 GROUP BY s.sku HAVING sum(s.units) <> 0
            """, deviceId);
        return (await command.ListAsync(r => (Sku: r.GetString(0), Units: r.GetInt32(1)), ct)).ToDictionary(x => x.Sku, x => x.Units);
    }

    /// <summary>
    /// The restock list: for each COOP fridge and beer under its par level, what to bring (in cases and
    /// units), by brewery then fridge, and since when it has been under par. A brewer gets its own beers'
    /// list; the lead everyone's, or one brewery's.
    /// </summary>
    public async Task<List<RestockLine>> RestockAsync(Caller caller, string? brewery, CancellationToken ct)
    {
        // Under par since: the first movement after the last one that left the shelf at or above par (the
        // running balance of the fridge's movements of that beer, in ledger order); never filled: NULL.
        await using var command = db.Command($"""
            SELECT br.slug, l.code, l.name, l.region, p.sku, b.name, coalesce(sum(s.units), 0)::int, p.par_units, b.units_per_case, below.since
            FROM par_levels p JOIN locations l ON l.id = p.location_id JOIN beers b ON b.sku = p.sku JOIN breweries br ON br.id = b.brewery_id
            LEFT JOIN stock_levels s ON s.sku = p.sku AND s.location_id = p.location_id
            LEFT JOIN LATERAL (
                SELECT min(occurred_at) AS since FROM (
                    SELECT occurred_at, step, max(step) FILTER (WHERE balance >= p.par_units) OVER () AS last_at_par FROM (
                        SELECT m.occurred_at, row_number() OVER w AS step,
                               sum(CASE WHEN m.to_location_id = p.location_id THEN m.units ELSE -m.units END) OVER w AS balance
                        FROM movements m WHERE m.sku = p.sku AND (m.to_location_id = p.location_id OR m.from_location_id = p.location_id)
                        WINDOW w AS (ORDER BY m.occurred_at, m.id)) running) marked
                WHERE step > coalesce(last_at_par, 0)) below ON true
            WHERE l.kind = '{LocationKinds.CoopFridge}' AND ($1::text IS NULL OR br.slug = $1) AND ($2::bigint IS NULL OR b.brewery_id = $2)
            GROUP BY br.slug, l.code, l.name, l.region, p.sku, b.name, p.par_units, b.units_per_case, below.since
            HAVING coalesce(sum(s.units), 0) < p.par_units
            ORDER BY br.slug, l.region, l.code, p.sku
            """, Db.Typed(brewery, NpgsqlDbType.Text), Visibility.OnlyBrewery(caller));
        return await command.ListAsync(r =>
        {
            var (onShelf, par) = (Math.Max(0, r.GetInt32(6)), r.GetInt32(7));
            var split = CasesAndUnits.Of(par - onShelf, r.GetInt32(8));
            return new RestockLine(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), onShelf, par, par - onShelf,
                split.Cases, split.Units, r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9));
        }, ct);
    }

    /// <summary>
    /// The par levels at the COOP fridges as a caller may see them: a brewer its own beers' only (another's par level is
    /// its plan, rule "Each brewery sees its own").
    /// </summary>
    public async Task<List<ParLevelRow>> ParLevelsAsync(Caller caller, CancellationToken ct)
    {
        await using var command = db.Command($"""
            SELECT l.code, l.name, p.sku, b.name, p.par_units
            FROM par_levels p JOIN locations l ON l.id = p.location_id JOIN beers b ON b.sku = p.sku
            WHERE l.kind = '{LocationKinds.CoopFridge}' AND ($1::bigint IS NULL OR {Visibility.BeerOf("$1")})
            ORDER BY l.name, l.code, b.name, p.sku
            """, Visibility.OnlyBrewery(caller));
        return await command.ListAsync(r => new ParLevelRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4)), ct);
    }

    /// <summary>
    /// Levels under their par level, as a caller may see them: a brewer its own beers only (another's par level is its
    /// plan, and its shortfall moving between two reads is its sales, rule "Each brewery sees its own").
    /// </summary>
    public async Task<List<LowStockRow>> LowAsync(Caller caller, string? location, CancellationToken ct)
    {
        await using var command = db.Command($"""
            SELECT p.sku, l.code, coalesce(sum(s.units), 0)::int AS units, p.par_units
            FROM par_levels p
            JOIN locations l ON l.id = p.location_id
            JOIN beers b ON b.sku = p.sku
            LEFT JOIN stock_levels s ON s.sku = p.sku AND s.location_id = p.location_id
            WHERE ($1::text IS NULL OR l.code = $1) AND ($2::bigint IS NULL OR {Visibility.BeerOf("$2")})
            GROUP BY p.sku, l.code, p.par_units
            HAVING coalesce(sum(s.units), 0) < p.par_units
            ORDER BY p.par_units - coalesce(sum(s.units), 0) DESC, p.sku, l.code
            """, Db.Typed(location, NpgsqlDbType.Text), Visibility.OnlyBrewery(caller));
        return await command.ListAsync(r => new LowStockRow(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(3) - r.GetInt32(2)), ct);
    }

    /// <summary>The movement history, newest first, one page: a brewer sees the movements of its own beers only, shared places included.</summary>
    public async Task<MovementPage> MovementsAsync(Caller caller, MovementFilter filter, CancellationToken ct)
    {
        var take = filter.Limit ?? StockLimits.DefaultPageSize;
        await using var command = db.CreateCommand();
        var where = new SqlConditions(command)
            .Add("m.sku = {0}", filter.Sku, NpgsqlDbType.Text)
            .Add("(lf.code = {0} OR lt.code = {0})", filter.Location, NpgsqlDbType.Text)
            .Add("m.kind = {0}", filter.Kind, NpgsqlDbType.Text)
            .Add("m.occurred_at >= {0}", filter.Since?.UtcDateTime, NpgsqlDbType.TimestampTz)
            .Add("m.occurred_at < {0}", filter.Until?.UtcDateTime, NpgsqlDbType.TimestampTz)
            .Add("m.id < {0}", filter.Cursor is null ? null : MovementFilter.DecodeCursor(filter.Cursor), NpgsqlDbType.Bigint)
            // Another brewery's actor, reason and source are its business (rule "Each brewery sees its own").
            .Add(Visibility.BeerOf("{0}"), caller.OnlyBreweryId, NpgsqlDbType.Bigint);
        command.CommandText = $"""
            SELECT m.id, m.kind, m.sku, m.lot_code, m.units, lf.code, lt.code, m.occurred_at, m.actor, m.reason, m.device_id, m.shortfall
            FROM movements m
            JOIN beers b ON b.sku = m.sku
            LEFT JOIN locations lf ON lf.id = m.from_location_id
            LEFT JOIN locations lt ON lt.id = m.to_location_id
            WHERE {where}
            ORDER BY m.id DESC
            LIMIT ${command.Parameters.Count + 1}
            """;
        command.With(take + 1);
        var rows = await command.ListAsync(ReadMovement, ct);
        string? next = null;
        if (rows.Count > take)
        {
            rows.RemoveAt(take);
            next = MovementFilter.EncodeCursor(rows[^1].Id);
        }
        return new MovementPage(rows, next);
    }

    /// <summary>Shelf counts that disagreed with the ledger, newest first (the 500 latest), of the beers the caller may see (an unknown SKU: the lead's to see).</summary>
    /// <param name="id">One discrepancy only (a review finds it so: another brewery's is not found).</param>
    public async Task<List<Discrepancy>> DiscrepanciesAsync(Caller caller, bool unreviewedOnly, CancellationToken ct, long? id = null)
    {
        await using var command = db.CreateCommand();
        var where = new SqlConditions(command)
            .Add(unreviewedOnly ? "d.reviewed_at IS NULL" : "TRUE")
            .Add("d.id = {0}", id, NpgsqlDbType.Bigint)
            .Add(Visibility.BeerOf("{0}"), caller.OnlyBreweryId, NpgsqlDbType.Bigint);
        command.CommandText = $"""
            SELECT d.id, d.device_id, l.code, d.sku, d.ledger_units, d.counted_units, d.occurred_at, d.reviewed_at IS NOT NULL, d.reason,
                   d.reviewed_by, d.reviewed_at, d.review_note
            FROM stock_discrepancies d JOIN locations l ON l.id = d.location_id LEFT JOIN beers b ON b.sku = d.sku
            WHERE {where}
            ORDER BY d.id DESC LIMIT 500
            """;
        return await command.ListAsync(r => new Discrepancy(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4), r.GetInt32(5),
            r.GetInt32(5) - r.GetInt32(4), r.GetFieldValue<DateTimeOffset>(6), r.GetBoolean(7), r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9),
            r.IsDBNull(10) ? null : r.GetFieldValue<DateTimeOffset>(10), r.IsDBNull(11) ? null : r.GetString(11)), ct);
    }

    /// <summary>A movement row as the history queries select it (id, kind, sku, lot, units, from, to, when, actor, reason, device, shortfall).</summary>
    public static MovementRow ReadMovement(NpgsqlDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4),
        r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), r.GetFieldValue<DateTimeOffset>(7), r.GetString(8),
        r.IsDBNull(9) ? null : r.GetString(9), r.IsDBNull(10) ? null : r.GetString(10), r.GetInt32(11));
}
