using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Npgsql;

namespace Inventory.Api.Stock;

/// <summary>
/// Restocking rounds: made from the restock list of one brewery, each line ticked once by
/// whoever filled the fridge, which posts that line's delivery (a transfer from the round's source);
/// ticking a line again answers what was recorded and posts nothing.
/// </summary>
public sealed class RestockRounds(NpgsqlDataSource db, StockQueries stock, RestockRoutes routes, TimeProvider time)
{
    public async Task<RoundView> MakeAsync(NewRound body, Caller caller, CancellationToken ct)
    {
        var brewery = caller.IsLead ? body.Brewery : caller.BrewerySlug;
        if (brewery is null) throw new DomainProblem(Problems.Invalid("brewery", "is required (the lead names whose beers the round brings)"));
        var source = await Lookup.LocationAsync(db, body.From!, ct) ?? throw new DomainProblem(Problems.NotFound("from", $"location {body.From}"));
        var breweryId = await Lookup.BreweryIdAsync(db, brewery, ct) ?? throw new DomainProblem(Problems.NotFound("brewery", $"brewery {brewery}"));
        if (source.BreweryId != breweryId) throw new DomainProblem(Problems.Unprocessable("from", $"{body.From} is not a place of {brewery}"));
        var route = body.Route is { } routeId ? await routes.FindAsync(routeId, caller, ct) ?? throw new DomainProblem(Problems.NotFound("route", $"route {routeId}")) : null;
        var lines = (await stock.RestockAsync(caller, brewery, ct))
            .Where(l => (body.Fridges is null || body.Fridges.Contains(l.Fridge)) && (route is null || route.Fridges.Any(f => f.Code == l.Fridge))).ToList();
        if (lines.Count == 0) throw new DomainProblem(Problems.Unprocessable("fridges", "nothing is under par there: no round to make"));

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var round = connection.Command(tx, "INSERT INTO restock_rounds (brewery_id, source_id, created_by, created_at, route_id) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            /* $1 */ breweryId,
            /* $2 */ source.Id,
            /* $3 */ caller.Name,
            /* $4 */ time.GetUtcNow().UtcDateTime,
            /* $5 */ Db.Typed(route?.Id, NpgsqlTypes.NpgsqlDbType.Bigint));
        var id = (long)(await round.ExecuteScalarAsync(ct))!;
        foreach (var line in lines)
        {
            await using var insert = connection.Command(tx, """
                INSERT INTO restock_round_lines (round_id, location_id, sku, planned_units) SELECT $1, id, $3, $4 FROM locations WHERE code = $2
                """, id, line.Fridge, line.Sku, line.ToBring);
            await insert.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return (await FindAsync(id, caller, ct))!;
    }

    /// <summary>Ticks a line: the units put in the fridge are posted as one transfer from the round's source, once.</summary>
    public async Task<RoundView> DeliverAsync(long roundId, long lineId, LineDelivery body, Caller caller, CancellationToken ct)
    {
        var round = await FindAsync(roundId, caller, ct) ?? throw new DomainProblem(Problems.NotFound("round", $"round {roundId}"));
        var line = round.Lines.SingleOrDefault(l => l.Id == lineId) ?? throw new DomainProblem(Problems.NotFound("line", $"line {lineId} of round {roundId}"));
        if (!caller.IsLead && caller.BrewerySlug != round.Brewery) throw new DomainProblem(Problems.Forbidden("a brewer ticks its own brewery's rounds"));
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // The line is claimed first: a second tick (a double tap, a retry on a bad network) finds it done and posts nothing.
        await using var claim = connection.Command(tx, """
            UPDATE restock_round_lines SET delivered_units = $3, delivered_at = $4, delivered_by = $5
            WHERE id = $2 AND round_id = $1 AND delivered_at IS NULL
            RETURNING location_id, (SELECT source_id FROM restock_rounds WHERE id = $1)
            """,
            /* $1 */ roundId,
            /* $2 */ lineId,
            /* $3 */ body.Units!.Value,
            /* $4 */ time.GetUtcNow().UtcDateTime,
            /* $5 */ caller.Name);
        long fridge, source;
        await using (var reader = await claim.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct)) return round;
            (fridge, source) = (reader.GetInt64(0), reader.GetInt64(1));
        }
        if (body.Units > 0)
            await Ledger.PostAsync(connection, tx, new MovementToPost(MovementKinds.Transfer, line.Sku, null, body.Units.Value, source, fridge, time.GetUtcNow(),
                caller.Name, $"restocking round {roundId}"), allowShortfall: false, ct);
        await tx.CommitAsync(ct);
        return (await FindAsync(roundId, caller, ct))!;
    }

    /// <summary>The latest <paramref name="count"/> rounds a caller may see, newest first (a brewer: its brewery's).</summary>
    public async Task<List<RoundView>> HistoryAsync(Caller caller, int count, CancellationToken ct)
    {
        await using var ids = db.Command("""
            SELECT r.id FROM restock_rounds r WHERE $1::bigint IS NULL OR r.brewery_id = $1 ORDER BY r.id DESC LIMIT $2
            """, Visibility.OnlyBrewery(caller), count);
        var rounds = new List<RoundView>();
        foreach (var id in await ids.ListAsync(r => r.GetInt64(0), ct)) rounds.Add((await FindAsync(id, caller, ct))!);
        return rounds;
    }

    public async Task<RoundView?> FindAsync(long id, Caller caller, CancellationToken ct)
    {
        await using var head = db.Command("""
            SELECT br.slug, l.code, r.created_by, r.created_at, rt.name FROM restock_rounds r JOIN breweries br ON br.id = r.brewery_id JOIN locations l ON l.id = r.source_id
            LEFT JOIN restock_routes rt ON rt.id = r.route_id
            WHERE r.id = $1 AND ($2::bigint IS NULL OR r.brewery_id = $2)
            """, id, Visibility.OnlyBrewery(caller));
        var heads = await head.ListAsync(r => (Brewery: r.GetString(0), From: r.GetString(1), By: r.GetString(2), At: r.GetFieldValue<DateTimeOffset>(3),
            Route: r.IsDBNull(4) ? null : r.GetString(4)), ct);
        if (heads.Count == 0) return null;
        await using var lines = db.Command("""
            SELECT rl.id, l.code, l.name, rl.sku, rl.planned_units, rl.delivered_units, rl.delivered_at, rl.delivered_by
            FROM restock_round_lines rl JOIN locations l ON l.id = rl.location_id WHERE rl.round_id = $1 ORDER BY l.code, rl.sku
            """, id);
        var rows = await lines.ListAsync(r => new RoundLine(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4),
            r.IsDBNull(5) ? null : r.GetInt32(5), r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6), r.IsDBNull(7) ? null : r.GetString(7)), ct);
        return new RoundView(id, heads[0].Brewery, heads[0].From, heads[0].By, heads[0].At, rows, heads[0].Route);
    }
}
