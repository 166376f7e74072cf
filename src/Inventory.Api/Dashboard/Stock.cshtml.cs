using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Inventory.Api.Stock;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;

namespace Inventory.Api.Dashboard;

/// <summary>A brewer's beers by location and format (cases + units), and the form to record a movement.</summary>
public sealed class StockModel(NpgsqlDataSource db, StockQueries stock) : PageModel
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
        Rows = await stock.LevelsAsync(caller, caller.IsLead ? null : Brewery, null, null, null, ct);
        await using var skus = db.Command("SELECT sku FROM beers WHERE $1::bigint IS NULL OR brewery_id = $1 ORDER BY sku",
            Db.Typed(caller.IsLead ? null : caller.BreweryId, NpgsqlTypes.NpgsqlDbType.Bigint));
        Skus = await skus.ListAsync(r => r.GetString(0), ct);
        await using var locations = db.CreateCommand("SELECT code FROM locations ORDER BY code");
        Locations = await locations.ListAsync(r => r.GetString(0), ct);
        Low = await stock.LowAsync(caller, null, ct);
        History = (await stock.MovementsAsync(caller, new MovementFilter(Limit: 20), ct)).Items;
    }
}
