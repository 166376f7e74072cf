using Inventory.Api.Auth;
using Inventory.Api.Catalogue;
using Inventory.Api.Infrastructure;
using Npgsql;

namespace Inventory.Api.Grocery;

/// <summary>The grocery pilot's figures as a caller may see them (a brewer: its own beers only, rule "Each brewery sees its own").</summary>
public sealed class GroceryQueries(NpgsqlDataSource db, TimeProvider time)
{
    /// <summary>The placements the caller may see: a brewer its own beers' only (another's placements are its grocery business, rule "Each brewery sees its own").</summary>
    public async Task<List<Placement>> PlacementsAsync(Caller caller, string? store, CancellationToken ct)
    {
        await using var command = db.Command($"""
            SELECT p.id, p.sku, l.code, p.starts_on, p.ends_on, p.facings, p.shelf_price_cents
            FROM grocery_placements p JOIN locations l ON l.id = p.location_id JOIN beers b ON b.sku = p.sku
            WHERE ($1::text IS NULL OR l.code = $1) AND ($2::bigint IS NULL OR {Visibility.BeerOf("$2")}) ORDER BY l.code, p.sku, p.starts_on
            """, Db.Typed(store, NpgsqlTypes.NpgsqlDbType.Text), Visibility.OnlyBrewery(caller));
        return await command.ListAsync(r => new Placement(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateOnly>(3),
            r.IsDBNull(4) ? null : r.GetFieldValue<DateOnly>(4), r.GetInt32(5), r.GetInt64(6)), ct);
    }

    /// <summary>Each current placement's figures over the last <paramref name="weeks"/> weeks (1 to 52), of the beers the caller may see.</summary>
    public async Task<List<PlacementPerformance>> PerformanceAsync(Caller caller, int weeks, CancellationToken ct)
    {
        var window = Math.Clamp(weeks, 1, GroceryLimits.MaxWeeks);
        var since = time.GetUtcNow().AddDays(-7 * window);
        await using var command = db.Command($"""
            SELECT p.sku, l.code,
                   coalesce((SELECT sum(m.units) FROM movements m WHERE m.sku = p.sku AND m.to_location_id = l.id AND m.kind = 'transfer'), 0)::int AS delivered,
                   coalesce((SELECT sum(m.units) FROM movements m WHERE m.sku = p.sku AND m.from_location_id = l.id AND m.kind = 'sale'), 0)::int AS sold,
                   coalesce((SELECT sum(m.units) FROM movements m WHERE m.sku = p.sku AND m.from_location_id = l.id AND m.kind = 'sale' AND m.occurred_at >= $1), 0)::int AS sold_recently,
                   coalesce((SELECT sum(s.units) FROM stock_levels s WHERE s.sku = p.sku AND s.location_id = l.id), 0)::int AS on_hand
            FROM grocery_placements p JOIN locations l ON l.id = p.location_id JOIN beers b ON b.sku = p.sku
            WHERE (p.ends_on IS NULL OR p.ends_on >= $1::date) AND ($2::bigint IS NULL OR {Visibility.BeerOf("$2")})
            ORDER BY l.code, p.sku
            """, since.UtcDateTime, Visibility.OnlyBrewery(caller));
        return await command.ListAsync(r =>
        {
            var (delivered, sold, recent, onHand) = (r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), r.GetInt32(5));
            var weekly = Math.Round((decimal)recent / window, 2);
            return new PlacementPerformance(r.GetString(0), r.GetString(1), delivered, sold, onHand,
                delivered == 0 ? 0 : Math.Round(100m * sold / delivered, 1), weekly,
                weekly == 0 ? null : Math.Round(Math.Max(0, onHand) / weekly, 1), onHand <= 0);
        }, ct);
    }

    /// <summary>Grocery sales per SKU and week over the last twelve weeks, of the beers the caller may see.</summary>
    public async Task<List<WeeklySales>> WeeklySalesAsync(Caller caller, CancellationToken ct)
    {
        await using var weekly = db.Command($"""
            SELECT m.sku, to_char(date_trunc('week', m.occurred_at), 'MM-DD'), sum(m.units)::int
            FROM movements m JOIN locations l ON l.id = m.from_location_id JOIN beers b ON b.sku = m.sku
            WHERE m.kind = 'sale' AND l.kind = '{LocationKinds.GroceryStore}' AND m.occurred_at > $1 AND ($2::bigint IS NULL OR {Visibility.BeerOf("$2")})
            GROUP BY 1, date_trunc('week', m.occurred_at), 2 ORDER BY 1, date_trunc('week', m.occurred_at)
            """, time.GetUtcNow().AddDays(-7 * 12).UtcDateTime, Visibility.OnlyBrewery(caller));
        return (await weekly.ListAsync(r => (Sku: r.GetString(0), Week: r.GetString(1), Units: r.GetInt32(2)), ct))
            .GroupBy(x => x.Sku).Select(g => new WeeklySales(g.Key, g.Select(x => (x.Week, x.Units)).ToList())).ToList();
    }
}
