using Inventory.Api.Auth;
using Inventory.Api.Catalogue;
using Inventory.Api.Infrastructure;
using Npgsql;

namespace Inventory.Api.Grocery;

/// <summary>The grocery pilot's figures as a caller may see them (a brewer: its own beers only, rule "Each brewery sees its own").</summary>
public sealed class GroceryQueries(NpgsqlDataSource db, TableCalendar calendar)
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

    /// <summary>
    /// Each placement's figures as of the end of <paramref name="asOf"/> (default today), its weekly rate over the
    /// <paramref name="weeks"/> Québec weeks that ended by then (1 to 52), of the beers the caller may see. Every fact is
    /// taken at its Table day, whenever it was recorded (docs/ledger.md, "The grocery pilot: a placement's figures").
    /// </summary>
    public async Task<List<PlacementPerformance>> PerformanceAsync(Caller caller, int weeks, DateOnly? asOf, CancellationToken ct)
    {
        var day = asOf ?? calendar.Today;
        var placements = await PlacementsAsync(caller, null, ct);
        if (placements.Count == 0) return [];
        // Every fact of a placed beer at its store up to the day's end: deliveries, pick-ups, reported sales, losses.
        await using var command = db.Command($"""
            SELECT m.sku, l.code, (m.occurred_at AT TIME ZONE (SELECT zone FROM table_zone))::date, m.kind,
                   CASE WHEN m.to_location_id = l.id THEN m.units ELSE -m.units END
            FROM (SELECT DISTINCT sku, location_id FROM grocery_placements) p
            JOIN locations l ON l.id = p.location_id
            JOIN movements m ON m.sku = p.sku AND (m.to_location_id = l.id OR m.from_location_id = l.id)
            JOIN beers b ON b.sku = p.sku
            WHERE m.occurred_at < $1 AND ($2::bigint IS NULL OR {Visibility.BeerOf("$2")})
            """, calendar.StartOf(day.AddDays(1)).UtcDateTime, Visibility.OnlyBrewery(caller));
        var facts = await command.ListAsync(r => new GroceryFact(r.GetString(0), r.GetString(1), r.GetFieldValue<DateOnly>(2), r.GetString(3), r.GetInt32(4)), ct);
        return PlacementFigures.Of(placements, facts, day, Math.Clamp(weeks, 1, GroceryLimits.MaxWeeks));
    }

    /// <summary>
    /// Each store's sales of each beer per Québec week (Monday to Sunday) over a period of whole Table days, of the beers
    /// the caller may see: a week's report is dated on its Sunday evening, so it is that week's, never the next one's.
    /// </summary>
    public async Task<List<GroceryWeek>> WeeksAsync(Caller caller, DateOnly from, DateOnly to, CancellationToken ct)
    {
        await using var command = db.Command($"""
            SELECT l.code, d.sku, date_trunc('week', d.day)::date, sum(d.units)::bigint, sum(d.revenue_cents)::bigint, sum(d.unpriced_units)::bigint
            FROM {Sales.SalesQueries.SalesByDay} JOIN locations l ON l.id = d.location_id JOIN beers b ON b.sku = d.sku
            WHERE l.kind = '{LocationKinds.GroceryStore}' AND d.day BETWEEN $1 AND $2 AND ($3::bigint IS NULL OR {Visibility.BeerOf("$3")})
            GROUP BY 1, 2, 3 HAVING sum(d.units) <> 0 ORDER BY 3, 1, 2
            """, from, to, Visibility.OnlyBrewery(caller));
        return await command.ListAsync(r => new GroceryWeek(r.GetString(0), r.GetString(1), r.GetFieldValue<DateOnly>(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5)), ct);
    }
}
