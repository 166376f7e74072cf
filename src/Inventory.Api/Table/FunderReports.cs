using Inventory.Api.Catalogue;
using Inventory.Api.FridgeStatus;
using Inventory.Api.Infrastructure;
using Inventory.Api.Sales;
using Npgsql;

namespace Inventory.Api.Table;

/// <summary>
/// The report to the funder of the pooling grant for a period: fridges bought and where they stood,
/// sales through the COOP channels by brewery and region, festivals and tour stops served, members
/// taking part, and the fleet's temperature compliance. Its totals are the sums of the ledger and
/// telemetry they come from; the API, its CSV and the dashboard's printable page all read it here.
/// </summary>
public sealed class FunderReports(NpgsqlDataSource db, InfluxReader influx, MembershipQueries membership, SalesQueries salesQueries, TableCalendar calendar)
{
    public async Task<FunderReport> BuildAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        // InfluxDB counts the fleet's readings while PostgreSQL answers the rest (the two are the report's slowest parts).
        var fleetInBand = FleetInBandAsync(from, to, ct);
        await using var fridges = db.Command("SELECT count(*)::int, coalesce(sum(cost_cents), 0)::bigint, coalesce(sum(cost_cents) FILTER (WHERE funding = 'grant'), 0)::bigint FROM fridge_assets WHERE purchased_on BETWEEN $1 AND $2", from, to);
        var (bought, cost, onGrant) = (await fridges.ListAsync(r => (r.GetInt32(0), r.GetInt64(1), r.GetInt64(2)), ct))[0];
        // The fleet as it stood: owned at the end of the period, and how many of those stood somewhere during it.
        await using var fleet = db.Command("""
            SELECT count(*)::int, count(*) FILTER (WHERE EXISTS (SELECT 1 FROM asset_placements p WHERE p.asset_id = a.id AND p.during && daterange($1, $2, '[]')))::int
            FROM fridge_assets a WHERE a.purchased_on <= $2
            """, from, to);
        var (owned, placedCount) = (await fleet.ListAsync(r => (r.GetInt32(0), r.GetInt32(1)), ct))[0];

        await using var placements = db.Command("""
            SELECT f.serial, l.code, lower(p.during), upper(p.during) - 1 FROM asset_placements p JOIN fridge_assets f ON f.id = p.asset_id JOIN locations l ON l.id = p.location_id
            WHERE p.during && daterange($1, $2, '[]') ORDER BY f.serial, lower(p.during)
            """, from, to);
        var placed = await placements.ListAsync(r => new AssetPlacement(r.GetString(0), r.GetString(1), r.GetFieldValue<DateOnly>(2), r.IsDBNull(3) ? null : r.GetFieldValue<DateOnly>(3)), ct);

        // Sales through the COOP channels, by brewery and region; a former member's sales still count.
        await using var sales = db.Command($"""
            SELECT CASE l.kind WHEN '{LocationKinds.CoopFridge}' THEN 'frigos' WHEN '{LocationKinds.FestivalKiosk}' THEN 'kiosques' WHEN '{LocationKinds.TourStop}' THEN 'tournee' ELSE 'epiceries' END,
                   br.slug, l.region, sum(d.units)::bigint, sum(d.revenue_cents)::bigint, sum(d.unpriced_units)::bigint
            FROM {SalesQueries.SalesByDay} JOIN locations l ON l.id = d.location_id JOIN beers b ON b.sku = d.sku JOIN breweries br ON br.id = b.brewery_id
            WHERE l.kind IN {LocationKinds.SharedSql} AND d.day BETWEEN $1 AND $2
            GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
            """, from, to);
        var channelSales = await sales.ListAsync(r => new ChannelSales(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5)), ct);

        // A festival was served when it took place in the period or its kiosks sold in it; a cancelled one was not.
        await using var festivals = db.Command("""
            SELECT f.code FROM festivals f
            WHERE f.kind = 'festival' AND f.cancelled_at IS NULL AND ((f.starts_on <= $2 AND f.ends_on >= $1)
               OR EXISTS (SELECT 1 FROM kiosks k JOIN sales_by_day d ON d.location_id = k.location_id
                          WHERE k.festival_id = f.id AND d.day BETWEEN $1 AND $2))
            ORDER BY f.starts_on
            """, from, to);
        var served = await festivals.ListAsync(r => r.GetString(0), ct);
        await using var stops = db.Command("""
            SELECT f.code || '/' || k.code FROM kiosks k JOIN festivals f ON f.id = k.festival_id WHERE f.kind = 'tour' AND k.stop_on BETWEEN $1 AND $2 ORDER BY k.stop_on
            """, from, to);
        var tourStops = await stops.ListAsync(r => r.GetString(0), ct);

        var histories = await membership.HistoriesAsync(ct);
        await using var slugs = db.CreateCommand("SELECT id, slug FROM breweries");
        var breweryIds = (await slugs.ListAsync(r => (Slug: r.GetString(1), Id: r.GetInt64(0)), ct)).ToDictionary(x => x.Slug, x => x.Id);
        var members = channelSales.Select(s => s.Brewery).Distinct()
            .Where(slug => histories.TryGetValue(breweryIds[slug], out var h) && Membership.WasMemberDuring(h, from, to))
            .Order().ToList();

        var fridgeWeeks = await salesQueries.FridgeWeeksAsync(onlyBreweryId: null, from, to, ct);
        return new FunderReport(from, to, TableLimits.GrantCents, bought, cost, onGrant, owned, placedCount, placed, channelSales, channelSales.Sum(s => s.Units), channelSales.Sum(s => s.RevenueCents), channelSales.Sum(s => s.UnpricedUnits),
            fridgeWeeks, served, tourStops, members, await fleetInBand);
    }

    /// <summary>The share of the fleet's readings in the band where beer keeps, in percent; -1 when InfluxDB cannot say (told in the report rather than failing it).</summary>
    private async Task<decimal> FleetInBandAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        try
        {
            var window = InfluxQl.During(calendar, from, to);
            var answer = await influx.QueryAsync($"SELECT count(temp_c) FROM fridge_reading WHERE {window}; SELECT count(temp_c) FROM fridge_reading WHERE {window} AND {InfluxQl.InKeepingBand}", ct);
            double Count(int i) => answer[i].SelectMany(s => s.Rows).Select(r => r["count"].GetDouble()).FirstOrDefault();
            return Count(0) == 0 ? 0 : Math.Round((decimal)(100 * Count(1) / Count(0)), 1);
        }
        catch (TelemetryUnavailableException) { return -1; }
    }

    /// <summary>The report's sales for a spreadsheet, one line per channel, brewery and region.</summary>
    public static Csv SalesCsv(FunderReport report)
    {
        var csv = new Csv("canal", "brasserie", "region", "unites", "revenus_cents", "unites_sans_prix");
        foreach (var s in report.Sales) csv.Row(s.Channel, s.Brewery, s.Region, s.Units, s.RevenueCents, s.UnpricedUnits);
        return csv;
    }
}
