using System.Text;
using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NpgsqlTypes;

namespace Inventory.Api.Stock;

public sealed record NewMovement(string? Kind, string? Sku, int? Units, int? Cases, string? Lot, string? From, string? To, DateTimeOffset? OccurredAt, string? Reason);
public sealed record MovementPosted(IReadOnlyList<MovementRow> Movements);
public sealed record MovementRow(long Id, string Kind, string Sku, string Lot, int Units, string? From, string? To, DateTimeOffset OccurredAt, string Actor, string? Reason, string? DeviceId, int Shortfall);
public sealed record MovementPage(IReadOnlyList<MovementRow> Items, string? NextCursor);
public sealed record StockRow(string Sku, string BeerName, string? Brewery, string Format, string Location, string LocationName, string LocationKind, string Region, string Lot, int Units, int Cases, int LooseUnits);
/// <summary>What the ledger needs to know of a beer: whose it is, its case size, and the breweries of its collab brew if any.</summary>
public sealed record BeerFacts(long? BreweryId, int UnitsPerCase, IReadOnlyList<long> CollabBreweryIds);
public sealed record LowStockRow(string Sku, string Location, int Units, int ParUnits, int Missing);
public sealed record ParLevel(string? Sku, string? Location, int? ParUnits);
public sealed record Discrepancy(long Id, string DeviceId, string Location, string Sku, int LedgerUnits, int CountedUnits, int Difference, DateTimeOffset OccurredAt, bool Reviewed);

/// <summary>The stock ledger: movements in, levels and history out.</summary>
public static class StockApi
{
    /// <summary>Places shared by the Table, whose contents every member may see.</summary>
    private const string SharedKinds = "('coop_fridge', 'festival_kiosk', 'grocery_store', 'tour_stop')";

    public static RouteGroupBuilder MapStockApi(this RouteGroupBuilder api)
    {
        var stock = api.MapGroup("").WithTags("Stock").RequireAuthorization(Policies.People);
        stock.MapPost("movements", PostMovement).WithName("PostMovement")
            .WithSummary("Record production, a transfer, a sale, a loss, a count adjustment or a return (Idempotency-Key header)");
        stock.MapGet("movements", ListMovements).WithName("ListMovements").WithSummary("Movement history, newest first, paged by cursor");
        stock.MapGet("stock", GetStock).WithName("GetStock").WithSummary("Levels per SKU, location and lot, now or as of a past moment");
        stock.MapGet("stock/low", GetLowStock).WithName("GetLowStock").WithSummary("Levels under their par level");
        stock.MapPut("par-levels", PutParLevel).WithName("PutParLevel");
        stock.MapGet("stock/discrepancies", ListDiscrepancies).WithName("ListDiscrepancies").WithSummary("Shelf counts that disagreed with the ledger");
        return api;
    }

    private static async Task<IResult> PostMovement(NewMovement body, [FromHeader(Name = Idempotency.Header)] string? idempotencyKey,
        HttpContext http, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var v = new Validator()
            .Require(body.Kind is not null && MovementKinds.All.Contains(body.Kind), "kind", $"must be one of {string.Join(", ", MovementKinds.All)}")
            .Require(body.Sku is not null && Patterns.Sku().IsMatch(body.Sku), "sku", "must match ^[A-Z0-9][A-Z0-9-]{2,39}$")
            .Require(body.Units is null or >= 0 and <= 1_000_000, "units", "must be within 0..1000000")
            .Require(body.Cases is null or >= 0 and <= 100_000, "cases", "must be within 0..100000")
            .Require((body.Units ?? 0) + (body.Cases ?? 0) > 0, "units", "give units and/or cases, more than zero in all")
            .Require(body.Lot is null || body.Lot.Length is >= 1 and <= 40, "lot", "must be 1 to 40 characters")
            .Require(body.Reason is null || body.Reason.Length <= 500, "reason", "must be at most 500 characters")
            .Require(body.OccurredAt is null || body.OccurredAt <= time.GetUtcNow().AddMinutes(5), "occurredAt", "must not be in the future");
        if (!v.IsValid) return v.Problem();
        if (MovementKinds.CheckEnds(body.Kind!, body.From is not null, body.To is not null) is { } ends) return Problems.Invalid(ends.Field, ends.Message);
        if (body.From is not null && body.From == body.To) return Problems.Invalid("to", "must be another place than 'from'");

        var beer = await BeerAsync(db, body.Sku!, ct);
        if (beer is null) return Problems.NotFound("sku", $"beer {body.Sku}");
        (long Id, long? BreweryId)? from = null, to = null;
        if (body.From is not null && (from = await Lookup.LocationAsync(db, body.From, ct)) is null) return Problems.NotFound("from", $"location {body.From}");
        if (body.To is not null && (to = await Lookup.LocationAsync(db, body.To, ct)) is null) return Problems.NotFound("to", $"location {body.To}");
        var caller = Caller.From(http.User);
        if (!caller.MayMoveBeer(beer.BreweryId, beer.CollabBreweryIds, from?.BreweryId))
            return Problems.Forbidden($"a brewer moves its own brewery's beers, and its share of a collab brew out of its own places; {body.Sku} from {body.From ?? "nowhere"} is not one");
        if (!caller.IsLead && to?.BreweryId is { } destination && destination != caller.BreweryId)
            return Problems.Forbidden($"{body.To} belongs to another brewery: a brewer moves beer into shared places or his own");
        var units = (body.Cases ?? 0) * beer.UnitsPerCase + (body.Units ?? 0);

        return await Idempotency.RunAsync(db, caller.Id, idempotencyKey, body, async (c, tx, token) =>
        {
            var posted = await Ledger.PostAsync(c, tx, new MovementToPost(body.Kind!, body.Sku!, body.Lot, units, from?.Id, to?.Id,
                body.OccurredAt ?? time.GetUtcNow(), caller.Name, body.Reason), allowShortfall: false, token);
            var rows = posted.Select(p => new MovementRow(p.Id, p.Kind, p.Sku, p.LotCode, p.Units, body.From, body.To, p.OccurredAt, caller.Name, body.Reason, null, p.Shortfall)).ToList();
            return (StatusCodes.Status201Created, new MovementPosted(rows));
        }, ct);
    }

    private static async Task<Results<Ok<MovementPage>, ValidationProblem>> ListMovements(string? sku, string? location, string? kind, DateTimeOffset? since, DateTimeOffset? until,
        string? cursor, int? limit, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        long? before = null;
        if (cursor is not null)
        {
            try { before = long.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(cursor)), System.Globalization.CultureInfo.InvariantCulture); }
            catch (FormatException) { return Problems.Invalid("cursor", "is not a cursor this API gave"); }
        }
        if (limit is < 1 or > 500) return Problems.Invalid("limit", "must be within 1..500");
        if (kind is not null && !MovementKinds.All.Contains(kind)) return Problems.Invalid("kind", $"must be one of {string.Join(", ", MovementKinds.All)}");
        var take = limit ?? 50;
        var caller = Caller.From(http.User);
        await using var command = db.CreateCommand();
        var where = new SqlConditions(command)
            .Add("m.sku = {0}", sku, NpgsqlDbType.Text)
            .Add("(lf.code = {0} OR lt.code = {0})", location, NpgsqlDbType.Text)
            .Add("m.kind = {0}", kind, NpgsqlDbType.Text)
            .Add("m.occurred_at >= {0}", since?.UtcDateTime, NpgsqlDbType.TimestampTz)
            .Add("m.occurred_at < {0}", until?.UtcDateTime, NpgsqlDbType.TimestampTz)
            .Add("m.id < {0}", before, NpgsqlDbType.Bigint)
            // A brewer sees the movements of his own beers only, shared places included: another brewery's
            // actor, reason and source are its business (rule 8).
            .Add(Visibility.BeerOf("{0}"), caller.IsLead ? null : caller.BreweryId ?? -1, NpgsqlDbType.Bigint);
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
        command.Parameters.Add(new() { Value = take + 1 });
        var rows = await command.ListAsync(ReadMovement, ct);
        string? next = null;
        if (rows.Count > take)
        {
            rows.RemoveAt(take);
            next = Convert.ToBase64String(Encoding.UTF8.GetBytes(rows[^1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        return TypedResults.Ok(new MovementPage(rows, next));
    }

    private static async Task<Ok<IReadOnlyList<StockRow>>> GetStock(string? brewery, string? location, string? sku, DateTimeOffset? asOf,
        HttpContext http, NpgsqlDataSource db, StockReadCache cache, CancellationToken ct) =>
        TypedResults.Ok(await LevelsAsync(db, cache, Caller.From(http.User), brewery, location, sku, asOf, ct));

    /// <summary>
    /// Levels per SKU, location and lot as a caller may see them (a brewer: its beers anywhere, every beer
    /// in the shared places), now or as of a past moment. Used by the API and the dashboard alike.
    /// </summary>
    internal static async Task<IReadOnlyList<StockRow>> LevelsAsync(NpgsqlDataSource db, StockReadCache cache, Caller caller,
        string? brewery, string? location, string? sku, DateTimeOffset? asOf, CancellationToken ct)
    {
        var visibleTo = caller.IsLead ? null : caller.BreweryId;
        if (asOf is not null) return await QueryLevelsAsync(db, visibleTo, brewery, location, sku, asOf, ct);
        var query = new StockQuery(brewery, location, sku, visibleTo);
        if (cache.TryGet(query, out var cached)) return cached;
        var startedAt = cache.Generation;
        var rows = await QueryLevelsAsync(db, visibleTo, brewery, location, sku, null, ct);
        cache.Store(query, startedAt, rows);
        return rows;
    }

    private static async Task<List<StockRow>> QueryLevelsAsync(NpgsqlDataSource db, long? visibleTo,
        string? brewery, string? location, string? sku, DateTimeOffset? asOf, CancellationToken ct)
    {
        await using var command = db.CreateCommand();
        // Now: the maintained levels. As of a past moment: derived from the ledger itself.
        var levels = "SELECT sku, location_id, lot_code, units FROM stock_levels";
        if (asOf is not null)
        {
            command.Parameters.Add(new() { Value = asOf.Value.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
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
            .Add($"(b.brewery_id = {{0}} OR l.kind IN {SharedKinds})", visibleTo, NpgsqlDbType.Bigint);
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

    private static async Task<Ok<List<LowStockRow>>> GetLowStock(string? location, HttpContext http, NpgsqlDataSource db, CancellationToken ct) =>
        TypedResults.Ok(await LowAsync(db, Caller.From(http.User), location, ct));

    /// <summary>Levels under their par level, as a caller may see them.</summary>
    internal static async Task<List<LowStockRow>> LowAsync(NpgsqlDataSource db, Caller caller, string? location, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"""
            SELECT p.sku, l.code, coalesce(sum(s.units), 0)::int AS units, p.par_units
            FROM par_levels p
            JOIN locations l ON l.id = p.location_id
            JOIN beers b ON b.sku = p.sku
            LEFT JOIN stock_levels s ON s.sku = p.sku AND s.location_id = p.location_id
            WHERE ($1::text IS NULL OR l.code = $1) AND ($2::bigint IS NULL OR b.brewery_id = $2 OR l.kind IN {SharedKinds})
            GROUP BY p.sku, l.code, p.par_units
            HAVING coalesce(sum(s.units), 0) < p.par_units
            ORDER BY p.par_units - coalesce(sum(s.units), 0) DESC, p.sku
            """);
        command.Parameters.Add(new() { Value = (object?)location ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = caller.IsLead ? DBNull.Value : (object?)caller.BreweryId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        return await command.ListAsync(r => new LowStockRow(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(3) - r.GetInt32(2)), ct);
    }

    private static async Task<Results<Ok<ParLevel>, ValidationProblem, ProblemHttpResult>> PutParLevel(ParLevel body, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var v = new Validator()
            .Require(body.Sku is not null, "sku", "is required")
            .Require(body.Location is not null, "location", "is required")
            .Require(body.ParUnits is >= 0 and <= 1_000_000, "parUnits", "must be within 0..1000000");
        if (!v.IsValid) return v.Problem();
        var beer = await BeerAsync(db, body.Sku!, ct);
        if (beer is null) return Problems.NotFound("sku", $"beer {body.Sku}");
        if (!Caller.From(http.User).MayMoveBeerOf(beer.BreweryId)) return Problems.Forbidden("a brewer sets par levels of its own beers only");
        var location = await Lookup.LocationIdAsync(db, body.Location!, ct);
        if (location is null) return Problems.NotFound("location", $"location {body.Location}");
        await using var command = db.CreateCommand("""
            INSERT INTO par_levels (sku, location_id, par_units) VALUES ($1, $2, $3)
            ON CONFLICT (sku, location_id) DO UPDATE SET par_units = EXCLUDED.par_units
            """);
        command.Parameters.Add(new() { Value = body.Sku });
        command.Parameters.Add(new() { Value = location.Value });
        command.Parameters.Add(new() { Value = body.ParUnits!.Value });
        await command.ExecuteNonQueryAsync(ct);
        return TypedResults.Ok(body);
    }

    private static async Task<Ok<List<Discrepancy>>> ListDiscrepancies(bool? unreviewed, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var caller = Caller.From(http.User);
        await using var command = db.CreateCommand();
        var where = new SqlConditions(command)
            .Add(unreviewed == true ? "d.reviewed_at IS NULL" : "TRUE")
            .Add(Visibility.BeerOf("{0}"), caller.IsLead ? null : caller.BreweryId ?? -1, NpgsqlDbType.Bigint);
        command.CommandText = $"""
            SELECT d.id, d.device_id, l.code, d.sku, d.ledger_units, d.counted_units, d.occurred_at, d.reviewed_at IS NOT NULL
            FROM stock_discrepancies d JOIN locations l ON l.id = d.location_id JOIN beers b ON b.sku = d.sku
            WHERE {where}
            ORDER BY d.id DESC LIMIT 500
            """;
        return TypedResults.Ok(await command.ListAsync(r => new Discrepancy(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4), r.GetInt32(5),
            r.GetInt32(5) - r.GetInt32(4), r.GetFieldValue<DateTimeOffset>(6), r.GetBoolean(7)), ct));
    }

    /// <summary>A movement row as the history queries select it (id, kind, sku, lot, units, from, to, when, actor, reason, device, shortfall).</summary>
    internal static MovementRow ReadMovement(NpgsqlDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4),
        r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), r.GetFieldValue<DateTimeOffset>(7), r.GetString(8),
        r.IsDBNull(9) ? null : r.GetString(9), r.IsDBNull(10) ? null : r.GetString(10), r.GetInt32(11));

    internal static Task<BeerFacts?> BeerAsync(NpgsqlDataSource db, string sku, CancellationToken ct) =>
        BeerAsync(db.CreateCommand(), sku, ct);

    /// <summary>The same inside a transaction: on its connection, never a second one from the pool while holding the first.</summary>
    internal static Task<BeerFacts?> BeerAsync(NpgsqlConnection connection, string sku, CancellationToken ct) =>
        BeerAsync(connection.CreateCommand(), sku, ct);

    private static async Task<BeerFacts?> BeerAsync(NpgsqlCommand command, string sku, CancellationToken ct)
    {
        await using var _ = command;
        command.CommandText = """
            SELECT b.brewery_id, b.units_per_case, coalesce(array_agg(p.brewery_id) FILTER (WHERE p.brewery_id IS NOT NULL), '{}')
            FROM beers b LEFT JOIN collab_partners p ON p.brew_id = b.collab_brew_id
            WHERE b.sku = $1 GROUP BY b.brewery_id, b.units_per_case
            """;
        command.Parameters.Add(new() { Value = sku });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new BeerFacts(reader.IsDBNull(0) ? null : reader.GetInt64(0), reader.GetInt32(1), reader.GetFieldValue<long[]>(2));
    }
}
