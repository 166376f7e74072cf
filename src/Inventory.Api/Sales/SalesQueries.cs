using Inventory.Api.Auth;
using Inventory.Api.Catalogue;
using Inventory.Api.Infrastructure;
using Inventory.Api.Money;
using Inventory.Api.Prices;
using Npgsql;

namespace Inventory.Api.Sales;

/// <summary>
/// Sales as the ledger records them, by channel: a fridge's come from its shelf counts, a
/// kiosk's from its own reports, a grocery store's from its weekly sell-through. A brewer sees its own
/// beers' sales only (rule "Each brewery sees its own").
/// </summary>
public sealed class SalesQueries(NpgsqlDataSource db, TableCalendar calendar, MoneyQueries money)
{
    /// <summary>The channel of a sale, from the kind of place it left (constants of this code, never input).</summary>
    public static readonly string ChannelOfPlace = $"""
        CASE l.kind WHEN '{LocationKinds.CoopFridge}' THEN '{PriceChannels.Fridge}'
                    WHEN '{LocationKinds.FestivalKiosk}' THEN '{PriceChannels.Kiosk}' WHEN '{LocationKinds.TourStop}' THEN '{PriceChannels.Kiosk}'
                    WHEN '{LocationKinds.GroceryStore}' THEN '{PriceChannels.Grocery}' END
        """;

    /// <summary>
    /// The sale lines summed per Table day, place and SKU (units, revenue at each line's price, units without a price),
    /// aliased <c>d</c>: what the reports over a period read (migration 0024 keeps it with the lines).
    /// </summary>
    public const string SalesByDay = "sales_by_day d";

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
        // The rollup's days are the Table's (migration 0024): a week runs Monday to Sunday in Québec.
        await using var command = db.Command($"""
            SELECT l.code, l.name, br.slug, date_trunc('week', d.day)::date, sum(d.units)::bigint, sum(d.revenue_cents)::bigint, sum(d.unpriced_units)::bigint
            FROM {SalesByDay} JOIN locations l ON l.id = d.location_id JOIN beers b ON b.sku = d.sku JOIN breweries br ON br.id = b.brewery_id
            WHERE l.kind = '{LocationKinds.CoopFridge}' AND d.day BETWEEN $1 AND $2 AND ($3::bigint IS NULL OR {Visibility.BeerOf("$3")})
            GROUP BY l.code, l.name, br.slug, 4 ORDER BY 4 DESC, l.code, br.slug
            """, from, to, Db.Typed(onlyBreweryId, NpgsqlTypes.NpgsqlDbType.Bigint));
        return await command.ListAsync(r => new FridgeWeek(r.GetString(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateOnly>(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6)), ct);
    }

    /// <summary>
    /// Units and revenue per brewery and channel over a period of whole days, with its money: a line is one place's
    /// units of one beer at one price under one day's terms over the period, rounded once (as a month statement's and a
    /// festival's are, so a month's revenue before taxes is what the month's statements owe the brewery before taxes).
    /// </summary>
    public async Task<List<ChannelRevenue>> RevenueAsync(Caller caller, DateOnly from, DateOnly to, CancellationToken ct)
    {
        await using var command = db.Command($"""
            SELECT br.slug, {ChannelOfPlace}, d.location_id, d.sku, b.format, d.unit_price_cents, d.day,
                   sum(d.units)::bigint, sum(d.revenue_cents)::bigint, sum(d.unpriced_units)::bigint
            FROM {SalesByDay} JOIN locations l ON l.id = d.location_id JOIN beers b ON b.sku = d.sku JOIN breweries br ON br.id = b.brewery_id
            WHERE l.kind IN {LocationKinds.SharedSql} AND d.day BETWEEN $1 AND $2
              AND ($3::bigint IS NULL OR {Visibility.BeerOf("$3")})
            GROUP BY 1, 2, 3, 4, 5, 6, 7
            """, from, to, Visibility.OnlyBrewery(caller));
        var rows = await command.ListAsync(r => (Brewery: r.GetString(0), Channel: r.GetString(1), Place: r.GetInt64(2), Sku: r.GetString(3), Format: r.GetString(4),
            Price: r.IsDBNull(5) ? (long?)null : r.GetInt64(5), Day: r.GetFieldValue<DateOnly>(6), Units: r.GetInt64(7), Revenue: r.GetInt64(8), Unpriced: r.GetInt64(9)), ct);
        var rules = new MoneyRules(await money.SettingsAsync(ct));
        return rows
            .GroupBy(r => (r.Brewery, r.Channel, r.Place, r.Sku, r.Price, Terms: rules.TermsOn(r.Channel, r.Format, r.Day)))
            .Select(line => (line.Key.Brewery, line.Key.Channel, Units: line.Sum(r => r.Units), Revenue: line.Sum(r => r.Revenue), Unpriced: line.Sum(r => r.Unpriced),
                Money: line.Key.Price is { } price ? line.Key.Terms.Money(line.Sum(r => r.Units), price) : default))
            .GroupBy(line => (line.Brewery, line.Channel))
            .OrderBy(g => g.Key.Brewery, StringComparer.Ordinal).ThenBy(g => g.Key.Channel, StringComparer.Ordinal)
            .Select(g => new ChannelRevenue(g.Key.Brewery, g.Key.Channel, g.Sum(l => l.Units), g.Sum(l => l.Revenue), g.Sum(l => l.Unpriced),
                g.Sum(l => l.Money.NetCents), g.Sum(l => l.Money.GstCents), g.Sum(l => l.Money.QstCents), g.Sum(l => l.Money.DepositCents)))
            .ToList();
    }
}
