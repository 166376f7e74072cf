using Inventory.Api.Auth;
using Inventory.Api.Catalogue;
using Inventory.Api.Infrastructure;
using Inventory.Api.Prices;
using Npgsql;

namespace Inventory.Api.Sales;

/// <summary>
/// Sales as the ledger records them, by channel: a fridge's come from its shelf counts, a
/// kiosk's from its own reports, a grocery store's from its weekly sell-through. A brewer sees its own
/// beers' sales only (rule "Each brewery sees its own").
/// </summary>
public sealed class SalesQueries(NpgsqlDataSource db, TableCalendar calendar)
{
    /// <summary>The channel of a sale, from the kind of place it left (constants of this code, never input).</summary>
    public static readonly string ChannelOfPlace = $"""
        CASE l.kind WHEN '{LocationKinds.CoopFridge}' THEN '{PriceChannels.Fridge}'
                    WHEN '{LocationKinds.FestivalKiosk}' THEN '{PriceChannels.Kiosk}' WHEN '{LocationKinds.TourStop}' THEN '{PriceChannels.Kiosk}'
                    WHEN '{LocationKinds.GroceryStore}' THEN '{PriceChannels.Grocery}' END
        """;

    /// <summary>Sales per COOP fridge, brewery and week over the last <paramref name="weeks"/> weeks (this one included).</summary>
    public Task<List<FridgeWeek>> FridgeWeeksAsync(Caller caller, int weeks, CancellationToken ct)
    {
        var today = calendar.Today;
        var thisMonday = TableCalendar.MondayOf(today);
        return FridgeWeeksAsync(caller.OnlyBreweryId, thisMonday.AddDays(-7 * (weeks - 1)), today, ct);
    }

    /// <summary>
    /// Sales per COOP fridge, brewery and week over a period of whole days, newest week first; only one
    /// brewery's beers when <paramref name="onlyBreweryId"/> is given (rule "Each brewery sees its own"), every brewery's for the lead's report.
    /// </summary>
    public async Task<List<FridgeWeek>> FridgeWeeksAsync(long? onlyBreweryId, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var (start, end) = calendar.Days(from, to);
        // The session's zone is the Table's: date_trunc cuts Monday at Québec midnight.
        await using var command = db.Command($"""
            SELECT l.code, l.name, br.slug, date_trunc('week', m.occurred_at)::date, sum(m.units)::bigint, coalesce(sum(m.units * m.unit_price_cents), 0)::bigint,
                   coalesce(sum(m.units) FILTER (WHERE m.unit_price_cents IS NULL), 0)::bigint
            FROM sale_lines m JOIN locations l ON l.id = m.location_id JOIN beers b ON b.sku = m.sku JOIN breweries br ON br.id = b.brewery_id
            WHERE l.kind = '{LocationKinds.CoopFridge}' AND m.occurred_at >= $1 AND m.occurred_at < $2 AND ($3::bigint IS NULL OR {Visibility.BeerOf("$3")})
            GROUP BY l.code, l.name, br.slug, 4 ORDER BY 4 DESC, l.code, br.slug
            """, start.UtcDateTime, end.UtcDateTime, Db.Typed(onlyBreweryId, NpgsqlTypes.NpgsqlDbType.Bigint));
        return await command.ListAsync(r => new FridgeWeek(r.GetString(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateOnly>(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6)), ct);
    }

    /// <summary>Units and revenue per brewery and channel over a period of whole days.</summary>
    public async Task<List<ChannelRevenue>> RevenueAsync(Caller caller, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var (start, end) = calendar.Days(from, to);
        await using var command = db.Command($"""
            SELECT br.slug, {ChannelOfPlace}, sum(m.units)::bigint, coalesce(sum(m.units * m.unit_price_cents), 0)::bigint,
                   coalesce(sum(m.units) FILTER (WHERE m.unit_price_cents IS NULL), 0)::bigint
            FROM sale_lines m JOIN locations l ON l.id = m.location_id JOIN beers b ON b.sku = m.sku JOIN breweries br ON br.id = b.brewery_id
            WHERE l.kind IN {LocationKinds.SharedSql} AND m.occurred_at >= $1 AND m.occurred_at < $2
              AND ($3::bigint IS NULL OR {Visibility.BeerOf("$3")})
            GROUP BY 1, 2 ORDER BY 1, 2
            """, start.UtcDateTime, end.UtcDateTime, Visibility.OnlyBrewery(caller));
        return await command.ListAsync(r => new ChannelRevenue(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4)), ct);
    }
}
