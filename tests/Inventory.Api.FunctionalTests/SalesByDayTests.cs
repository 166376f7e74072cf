using Inventory.Api.Admin;
using Inventory.Api.Database;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Inventory.Api.FunctionalTests;

/// <summary>
/// The sales rollup the period reports read (migration 0024) equals the sale lines summed per Table day, place and SKU,
/// whatever posted them, whatever is deleted, and in the Table's zone when that setting changes.
/// </summary>
public sealed class SalesByDayTests
{
    /// <summary>Rows where the rollup and the lines summed in <paramref name="zone"/> differ.</summary>
    private const string Differences = """
        SELECT count(*) FROM sales_by_day d FULL JOIN (
            SELECT (occurred_at AT TIME ZONE $1)::date AS day, location_id, sku, sum(units) AS units, coalesce(sum(units * unit_price_cents), 0) AS revenue,
                   coalesce(sum(units) FILTER (WHERE unit_price_cents IS NULL), 0) AS unpriced
            FROM sale_lines GROUP BY 1, 2, 3) l USING (day, location_id, sku)
        WHERE (coalesce(d.units, 0), coalesce(d.revenue_cents, 0), coalesce(d.unpriced_units, 0))
              IS DISTINCT FROM (coalesce(l.units, 0), coalesce(l.revenue, 0), coalesce(l.unpriced, 0)) -- a day whose lines all went sums to nothing
        """;

    private static NpgsqlDataSource InZone(string connectionString, string zone)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.Timezone = zone;
        return builder.Build();
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource db, string sql, params object[] values)
    {
        await using var command = db.CreateCommand(sql);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task The_rollup_is_the_sale_lines_summed_per_table_day_and_follows_a_change_of_zone()
    {
        await using var database = await TestDatabase.CreateAsync("salesday");
        await using var services = new ServiceCollection().AddSingleton(InZone(database.ConnectionString, "America/Toronto")).BuildServiceProvider();
        var db = services.GetRequiredService<NpgsqlDataSource>();
        await new Migrator(db, NullLogger<Migrator>.Instance).MigrateAsync();
        await DemoData.LoadAsync(services); // fridge sales from counts, kiosk and grocery sales, at many hours of the day

        Assert.True(await ScalarAsync(db, "SELECT count(*) FROM sales_by_day") > 10, "the demo world has sold");
        // A sale at 22:30 on a Québec summer evening, 02:30 UTC the next day: the demo world's own sales fall in the
        // hours before now, which are Québec evening hours only when the test runs then.
        await ScalarAsync(db, """
            WITH evening AS (
                INSERT INTO movements (kind, sku, lot_code, units, from_location_id, occurred_at, actor, reason, unit_price_cents)
                SELECT 'sale', sku, '', 2, from_location_id, '2026-07-15T02:30:00Z', 'test', 'a Québec evening sale', 450
                FROM movements WHERE kind = 'sale' AND from_location_id IS NOT NULL LIMIT 1 RETURNING 1)
            SELECT count(*) FROM evening
            """);
        Assert.Equal(0, await ScalarAsync(db, Differences, "America/Toronto"));
        // A sale in the Québec evening belongs to that Québec day, not to the next UTC one.
        Assert.True(await ScalarAsync(db, Differences, "UTC") > 0, "the demo world sells in the evening: the zone matters");

        // A line deleted is taken off.
        await ScalarAsync(db, "WITH gone AS (DELETE FROM movements WHERE id = (SELECT max(id) FROM movements WHERE kind = 'sale') RETURNING 1) SELECT count(*) FROM gone");
        Assert.Equal(0, await ScalarAsync(db, Differences, "America/Toronto"));

        // The Table's zone set otherwise: the next start rebuilds the rollup in it.
        await using var elsewhere = InZone(database.ConnectionString, "UTC");
        await new Migrator(elsewhere, NullLogger<Migrator>.Instance).MigrateAsync();
        Assert.Equal(0, await ScalarAsync(elsewhere, Differences, "UTC"));
    }
}
