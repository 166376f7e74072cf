using Inventory.Api.Admin;
using Inventory.Api.Database;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Inventory.Api.FunctionalTests;

/// <summary>The demo world (`Inventory.Api admin demo-data`) on a database of its own.</summary>
public sealed class DemoDataTests
{
    [Fact]
    public async Task The_demo_world_has_something_on_every_page_and_a_second_run_adds_nothing()
    {
        await using var database = await TestDatabase.CreateAsync("demo");
        await using var services = new ServiceCollection().AddSingleton(NpgsqlDataSource.Create(database.ConnectionString)).BuildServiceProvider();
        var db = services.GetRequiredService<NpgsqlDataSource>();
        await new Migrator(db, NullLogger<Migrator>.Instance).MigrateAsync();

        const string counts = """
            SELECT (SELECT count(*) FROM breweries), (SELECT count(*) FROM kiosks k JOIN festivals f ON f.id = k.festival_id WHERE f.code = 'festif-mauricie'),
                   (SELECT count(*) FROM device_assignments), (SELECT count(*) FROM grocery_placements), (SELECT count(*) FROM collab_partners),
                   (SELECT count(*) FROM collab_contributions), (SELECT count(*) FROM movements),
                   (SELECT count(*) FROM stock_levels s JOIN locations l ON l.id = s.location_id WHERE l.kind = 'grocery_store' AND s.units = 0),
                   (SELECT count(DISTINCT l.id) FROM movements m JOIN locations l ON l.id = m.from_location_id WHERE m.kind = 'sale' AND l.kind = 'coop_fridge' AND m.unit_price_cents > 0),
                   (SELECT count(*) FROM prices), (SELECT count(*) FROM fridge_assets a JOIN asset_placements p ON p.asset_id = a.id),
                   (SELECT count(*) FROM par_levels p JOIN locations l ON l.id = p.location_id JOIN (SELECT sku, location_id, sum(units) AS units FROM stock_levels GROUP BY 1, 2) s
                        ON s.sku = p.sku AND s.location_id = p.location_id WHERE l.kind = 'coop_fridge' AND s.units < p.par_units),
                   (SELECT count(*) FROM (SELECT sku, location_id, lot_code, sum(d) AS units FROM (
                        SELECT sku, to_location_id AS location_id, lot_code, units AS d FROM movements WHERE to_location_id IS NOT NULL
                        UNION ALL SELECT sku, from_location_id, lot_code, -units FROM movements WHERE from_location_id IS NOT NULL) x GROUP BY 1, 2, 3) ledger
                    FULL JOIN stock_levels s USING (sku, location_id, lot_code) WHERE coalesce(ledger.units, 0) <> coalesce(s.units, 0))
            """;
        async Task<long[]> CountAsync()
        {
            await using var command = db.CreateCommand(counts);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            return Enumerable.Range(0, reader.FieldCount).Select(reader.GetInt64).ToArray();
        }

        await DemoData.LoadAsync(services);
        var first = await CountAsync();
        await DemoData.LoadAsync(services);

        Assert.Equal(first, await CountAsync());
        Assert.Equal(9, first[0]);
        Assert.Equal(6, first[1]);   // six kiosks at the Festif de la Mauricie…
        Assert.Equal(6, first[2]);   // …each with its device
        Assert.Equal(4, first[3]);   // grocery placements
        Assert.Equal(3, first[4]);   // collab partners
        Assert.Equal(4, first[5]);   // and their contributions
        Assert.True(first[7] >= 1, "a pilot store has sold out of a placed beer");
        Assert.Equal(5, first[8]);   // every COOP fridge has sold, priced, from its counts
        Assert.Equal(9 * 2 * 3, first[9]); // a fridge, kiosk and grocery price for each beer
        Assert.Equal(5, first[10]);  // the five fridges bought on the grant, each placed
        Assert.True(first[11] > 0, "some fridge beers are under par: the restocking rounds have work");
        Assert.Equal(0, first[12]);  // and the levels are the sum of the movements
    }
}
