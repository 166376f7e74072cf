using Inventory.Api.Auth;
using Inventory.Api.Catalogue;
using Inventory.Api.Infrastructure;
using Npgsql;

namespace Inventory.Api.Stock;

/// <summary>
/// Named routes: the set of COOP fridges one person visits, so that a driver's restock list and
/// round hold his fridges only. The Table's routes (made by the lead) are everyone's to use; a brewery's
/// are its own (rule "Each brewery sees its own": which fridges a competitor serves is its business).
/// </summary>
public sealed class RestockRoutes(NpgsqlDataSource db)
{
    public async Task<List<RouteView>> ListAsync(Caller caller, CancellationToken ct)
    {
        await using var command = db.Command("""
            SELECT r.id, r.name, br.slug, r.driver, l.code, l.name
            FROM restock_routes r LEFT JOIN breweries br ON br.id = r.brewery_id
            JOIN restock_route_fridges f ON f.route_id = r.id JOIN locations l ON l.id = f.location_id
            WHERE $1::bigint IS NULL OR r.brewery_id IS NULL OR r.brewery_id = $1
            ORDER BY lower(r.name), r.id, l.name
            """, Visibility.OnlyBrewery(caller));
        var rows = await command.ListAsync(r => (Id: r.GetInt64(0), Name: r.GetString(1), Brewery: r.IsDBNull(2) ? null : r.GetString(2),
            Driver: r.IsDBNull(3) ? null : r.GetString(3), Fridge: new RouteFridge(r.GetString(4), r.GetString(5))), ct);
        return rows.GroupBy(r => r.Id)
            .Select(g => new RouteView(g.Key, g.First().Name, g.First().Brewery, g.First().Driver, g.Select(r => r.Fridge).ToList())).ToList();
    }

    /// <summary>A route the caller may use, or null.</summary>
    public async Task<RouteView?> FindAsync(long id, Caller caller, CancellationToken ct) =>
        (await ListAsync(caller, ct)).SingleOrDefault(r => r.Id == id);

    /// <summary>Makes a route (<paramref name="id"/> null) or replaces one the caller owns: its name, driver and fridges.</summary>
    public async Task<RouteView> SaveAsync(long? id, NewRoute body, Caller caller, CancellationToken ct)
    {
        var owner = await OwnerAsync(body, caller, ct);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var fridges = connection.Command(tx, $"SELECT code, id FROM locations WHERE code = ANY($1) AND kind = '{LocationKinds.CoopFridge}'",
            Db.Typed(body.Fridges!.ToArray(), NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text)); // typed: a string[] would spread into params
        var found = (await fridges.ListAsync(r => (Code: r.GetString(0), Id: r.GetInt64(1)), ct)).ToDictionary(f => f.Code, f => f.Id);
        if (body.Fridges!.FirstOrDefault(code => !found.ContainsKey(code)) is { } unknown)
            throw new DomainProblem(Problems.Unprocessable("fridges", $"{unknown} is not a COOP fridge"));
        try
        {
            if (id is null)
            {
                await using var insert = connection.Command(tx, "INSERT INTO restock_routes (name, brewery_id, driver, created_by) VALUES ($1, $2, $3, $4) RETURNING id",
                    body.Name!.Trim(), Db.Typed(owner, NpgsqlTypes.NpgsqlDbType.Bigint), body.Driver?.Trim(), caller.Name);
                id = (long)(await insert.ExecuteScalarAsync(ct))!;
            }
            else
            {
                // A brewer replaces its brewery's routes only; the lead any.
                await using var update = connection.Command(tx, """
                    UPDATE restock_routes SET name = $2, driver = $3 WHERE id = $1 AND ($4::bigint IS NULL OR brewery_id = $4)
                    """, id.Value, body.Name!.Trim(), body.Driver?.Trim(), Visibility.OnlyBrewery(caller));
                if (await update.ExecuteNonQueryAsync(ct) == 0) throw new DomainProblem(Problems.NotFound("route", $"route {id} of yours"));
                await using var clear = connection.Command(tx, "DELETE FROM restock_route_fridges WHERE route_id = $1", id.Value);
                await clear.ExecuteNonQueryAsync(ct);
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new DomainProblem(Problems.Conflict("Route exists", $"a route is already named '{body.Name!.Trim()}'", new Dictionary<string, object?> { ["field"] = "name" }));
        }
        await using var add = connection.Command(tx, "INSERT INTO restock_route_fridges (route_id, location_id) SELECT $1, unnest($2::bigint[])", id.Value, found.Values.ToArray());
        await add.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return (await FindAsync(id.Value, caller, ct))!;
    }

    /// <summary>Whose route it is: a brewer's brewery; the lead's, the brewery it names or the Table's (null).</summary>
    private async Task<long?> OwnerAsync(NewRoute body, Caller caller, CancellationToken ct)
    {
        if (!caller.IsLead)
        {
            if (body.Brewery is not null && body.Brewery != caller.BrewerySlug) throw new DomainProblem(Problems.Forbidden("a brewer makes its own brewery's routes"));
            return caller.BreweryId ?? throw new DomainProblem(Problems.Forbidden("a person of no brewery makes no brewery's route"));
        }
        if (body.Brewery is null) return null;
        return await Lookup.BreweryIdAsync(db, body.Brewery, ct) ?? throw new DomainProblem(Problems.NotFound("brewery", $"brewery {body.Brewery}"));
    }
}
