using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Inventory.Api.Stock;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;

namespace Inventory.Api.Dashboard;

/// <summary>A brewer's beers by location and format (cases + units), and the form to record a movement.</summary>
public sealed class StockModel(NpgsqlDataSource db) : PageModel
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
        await using var stock = db.CreateCommand("""
            SELECT s.sku, b.name, br.slug, b.format, l.code, l.name, l.kind, l.region, s.lot_code, s.units, b.units_per_case
            FROM stock_levels s JOIN beers b ON b.sku = s.sku LEFT JOIN breweries br ON br.id = b.brewery_id JOIN locations l ON l.id = s.location_id
            WHERE s.units <> 0 AND ($1::bigint IS NULL OR b.brewery_id = $1) ORDER BY s.sku, l.name
            """);
        stock.Parameters.Add(new() { Value = caller.IsLead ? DBNull.Value : (object?)caller.BreweryId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        Rows = await stock.ListAsync(r =>
        {
            var split = CasesAndUnits.Of(r.GetInt32(9), r.GetInt32(10));
            return new StockRow(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                r.GetString(6), r.GetString(7), r.GetString(8), r.GetInt32(9), split.Cases, split.Units);
        }, ct);
        await using var skus = db.CreateCommand("SELECT sku FROM beers WHERE $1::bigint IS NULL OR brewery_id = $1 ORDER BY sku");
        skus.Parameters.Add(new() { Value = caller.IsLead ? DBNull.Value : (object?)caller.BreweryId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        Skus = await skus.ListAsync(r => r.GetString(0), ct);
        await using var locations = db.CreateCommand("SELECT code FROM locations ORDER BY code");
        Locations = await locations.ListAsync(r => r.GetString(0), ct);
        var brewery = caller.IsLead ? DBNull.Value : (object?)caller.BreweryId ?? DBNull.Value;
        await using var low = db.CreateCommand("""
            SELECT p.sku, l.code, coalesce(sum(s.units), 0)::int, p.par_units FROM par_levels p JOIN locations l ON l.id = p.location_id JOIN beers b ON b.sku = p.sku
            LEFT JOIN stock_levels s ON s.sku = p.sku AND s.location_id = p.location_id
            WHERE $1::bigint IS NULL OR b.brewery_id = $1 GROUP BY p.sku, l.code, p.par_units HAVING coalesce(sum(s.units), 0) < p.par_units ORDER BY p.sku, l.code
            """);
        low.Parameters.Add(new() { Value = brewery, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        Low = await low.ListAsync(r => new LowStockRow(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(3) - r.GetInt32(2)), ct);
        await using var history = db.CreateCommand("""
            SELECT m.id, m.kind, m.sku, m.lot_code, m.units, lf.code, lt.code, m.occurred_at, m.actor, m.reason, m.device_id, m.shortfall
            FROM movements m JOIN beers b ON b.sku = m.sku LEFT JOIN locations lf ON lf.id = m.from_location_id LEFT JOIN locations lt ON lt.id = m.to_location_id
            WHERE $1::bigint IS NULL OR b.brewery_id = $1 ORDER BY m.id DESC LIMIT 20
            """);
        history.Parameters.Add(new() { Value = brewery, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        History = await history.ListAsync(r => new MovementRow(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4),
            r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), r.GetFieldValue<DateTimeOffset>(7), r.GetString(8),
            r.IsDBNull(9) ? null : r.GetString(9), r.IsDBNull(10) ? null : r.GetString(10), r.GetInt32(11)), ct);
    }
}
