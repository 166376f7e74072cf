using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Inventory.Api.Stock;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;

namespace Inventory.Api.Dashboard;

/// <summary>A brewer's beers by location and format (cases + units), and the form to record a movement.</summary>
public sealed class StockModel(NpgsqlDataSource db, StockReadCache cache) : PageModel
{
    public string? Brewery { get; private set; }
    public IReadOnlyList<StockRow> Rows { get; private set; } = [];
    public IReadOnlyList<string> Skus { get; private set; } = [];
    public IReadOnlyList<string> Locations { get; private set; } = [];
    public IReadOnlyList<LowStockRow> Low { get; private set; } = [];
    public IReadOnlyList<MovementRow> History { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var caller = Caller.From(User);
        Brewery = User.FindFirst(Roles.BrewerySlugClaim)?.Value;
        // A brewer's own beers wherever they stand (the API's "my stock everywhere").
        Rows = await StockApi.LevelsAsync(db, cache, caller, caller.IsLead ? null : Brewery, null, null, null, ct);
        await using var skus = db.CreateCommand("SELECT sku FROM beers WHERE $1::bigint IS NULL OR brewery_id = $1 ORDER BY sku");
        skus.Parameters.Add(new() { Value = caller.IsLead ? DBNull.Value : (object?)caller.BreweryId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        Skus = await skus.ListAsync(r => r.GetString(0), ct);
        await using var locations = db.CreateCommand("SELECT code FROM locations ORDER BY code");
        Locations = await locations.ListAsync(r => r.GetString(0), ct);
        object brewery = caller.IsLead ? DBNull.Value : (object?)caller.BreweryId ?? DBNull.Value;
        Low = await StockApi.LowAsync(db, caller, null, ct);
        await using var history = db.CreateCommand("""
            SELECT m.id, m.kind, m.sku, m.lot_code, m.units, lf.code, lt.code, m.occurred_at, m.actor, m.reason, m.device_id, m.shortfall
            FROM movements m JOIN beers b ON b.sku = m.sku LEFT JOIN locations lf ON lf.id = m.from_location_id LEFT JOIN locations lt ON lt.id = m.to_location_id
            WHERE $1::bigint IS NULL OR b.brewery_id = $1 ORDER BY m.id DESC LIMIT 20
            """);
        history.Parameters.Add(new() { Value = brewery, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        History = await history.ListAsync(StockApi.ReadMovement, ct);
    }
}
