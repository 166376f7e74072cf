using Inventory.Api.Infrastructure;
using Npgsql;

namespace Inventory.Api.Catalogue;

/// <summary>What the ledger speaks of: breweries, beers (SKUs), locations and devices.</summary>
public sealed class CatalogueQueries(NpgsqlDataSource db)
{
    private const string BeerColumns = "b.sku, br.slug, b.collab_brew_id, b.name, b.style, b.abv, b.format, b.units_per_case, b.retired_on";

    public async Task<List<Brewery>> BreweriesAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT id, slug, name, region FROM breweries ORDER BY name");
        return await command.ListAsync(r => new Brewery(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3)), ct);
    }

    public async Task<List<Beer>> BeersAsync(string? brewery, CancellationToken ct)
    {
        await using var command = db.Command($"""
            SELECT {BeerColumns} FROM beers b LEFT JOIN breweries br ON br.id = b.brewery_id
            WHERE $1::text IS NULL OR br.slug = $1 ORDER BY b.sku
            """, Db.Typed(brewery, NpgsqlTypes.NpgsqlDbType.Text));
        return await command.ListAsync(ReadBeer, ct);
    }

    public async Task<Beer> BeerAsync(string sku, CancellationToken ct)
    {
        await using var command = db.Command($"SELECT {BeerColumns} FROM beers b LEFT JOIN breweries br ON br.id = b.brewery_id WHERE b.sku = $1", sku);
        var beers = await command.ListAsync(ReadBeer, ct);
        return beers.Count == 1 ? beers[0] : throw new DomainProblem(Problems.NotFound("sku", $"beer {sku}"));
    }

    public async Task<List<Location>> LocationsAsync(string? kind, string? region, CancellationToken ct)
    {
        await using var command = db.Command("""
            SELECT l.id, l.code, l.name, l.kind, l.region, l.address, b.slug FROM locations l LEFT JOIN breweries b ON b.id = l.brewery_id
            WHERE ($1::text IS NULL OR l.kind = $1) AND ($2::text IS NULL OR l.region = $2) ORDER BY l.code
            """, Db.Typed(kind, NpgsqlTypes.NpgsqlDbType.Text), Db.Typed(region, NpgsqlTypes.NpgsqlDbType.Text));
        return await command.ListAsync(r => new Location(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
            r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6)), ct);
    }

    public async Task<List<Device>> DevicesAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT d.device_id, d.kind, l.code, d.reporting_interval_s FROM devices d LEFT JOIN locations l ON l.id = d.location_id ORDER BY d.device_id");
        return await command.ListAsync(r => new Device(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt32(3)), ct);
    }

    private static Beer ReadBeer(NpgsqlDataReader r) => new(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetInt64(2),
        r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetDecimal(5), r.GetString(6), r.GetInt32(7),
        r.IsDBNull(8) ? null : r.GetFieldValue<DateOnly>(8));
}
