using Inventory.Api.Infrastructure;
using Inventory.Api.Stock;
using Npgsql;

namespace Inventory.Api.Admin;

/// <summary>
/// A small world of the Table, made at once (the browser tests' and a quick look's; <c>scripts/run</c>'s demo world is
/// a season replayed through the platform instead, docs/season.md): nine member breweries (Saint-Fût from CONTEXT.md,
/// the others fictional), their beers, COOP fridges, festival kiosks and two pilot grocery stores, the devices of the
/// simulator's fleet, opening stock, a planned festival, the grocery pilot and a collab brew.
/// Idempotent: running it again adds nothing.
/// </summary>
public static class DemoData
{
    private static readonly (string Slug, string Name, string Region, string Prefix)[] Breweries =
    [
        ("saint-fut", "Microbrasserie Saint-Fût", "Montérégie", "STFUT"),
        ("du-quai", "Brasserie coopérative du Quai", "Capitale-Nationale", "QUAI"),
        ("coulee-douce", "La Coulée Douce", "Bas-Saint-Laurent", "COULEE"),
        ("trois-rangs", "Microbrasserie des Trois-Rangs", "Centre-du-Québec", "3RANGS"),
        ("bocal", "Le Bocal coopératif", "Estrie", "BOCAL"),
        ("brasse-camarade", "Brasse-Camarade", "Saguenay–Lac-Saint-Jean", "CAMARADE"),
        ("fabrique-commune", "La Fabrique commune", "Montréal", "FABRIQUE"),
        ("houblon-solidaire", "Houblon solidaire", "Outaouais", "SOLIDAIRE"),
        ("fjord", "Coop brassicole du Fjord", "Côte-Nord", "FJORD"),
    ];

    private static readonly (string Suffix, string Name, string Style, decimal Abv, string Format, int PerCase)[] Beers =
    [
        ("BLONDE-473", "Blonde de la coop", "Blonde", 4.8m, "can_473", 24),
        ("IPA-355", "IPA des membres", "IPA", 6.2m, "can_355", 24),
    ];

    private static readonly (string Code, string Name, string Kind, string Region)[] SharedPlaces =
    [
        ("frigo-stfut-degustation", "Frigo COOP — Saint-Fût, salle de dégustation", "coop_fridge", "Montérégie"),
        ("frigo-stfut-marche", "Frigo COOP — Marché public de Saint-Fût", "coop_fridge", "Montérégie"),
        ("frigo-epicerie-limoilou", "Frigo COOP — Épicerie coop Limoilou", "coop_fridge", "Capitale-Nationale"),
        ("frigo-epicerie-sherbrooke", "Frigo COOP — Épicerie solidaire Sherbrooke", "coop_fridge", "Estrie"),
        ("frigo-bar-plateau", "Frigo COOP — Bar coop du Plateau", "coop_fridge", "Montréal"),
        ("kiosque-festif-1", "Kiosque COOP 1 — Festif de la Mauricie", "festival_kiosk", "Mauricie"),
        ("kiosque-festif-2", "Kiosque COOP 2 — Festif de la Mauricie", "festival_kiosk", "Mauricie"),
        ("kiosque-festif-3", "Kiosque COOP 3 — Festif de la Mauricie", "festival_kiosk", "Mauricie"),
        ("kiosque-festif-4", "Kiosque COOP 4 — Festif de la Mauricie", "festival_kiosk", "Mauricie"),
        ("kiosque-festif-5", "Kiosque COOP 5 — Festif de la Mauricie", "festival_kiosk", "Mauricie"),
        ("kiosque-festif-6", "Kiosque COOP 6 — Festif de la Mauricie", "festival_kiosk", "Mauricie"),
        ("epicerie-coop-rimouski", "Épicerie coop de Rimouski (pilote FCAQ)", "grocery_store", "Bas-Saint-Laurent"),
        ("epicerie-coop-victoriaville", "Épicerie coop de Victoriaville (pilote FCAQ)", "grocery_store", "Centre-du-Québec"),
    ];

    /// <summary>The simulator's demo fleet (deploy/mosquitto/devices) and where each device stands.</summary>
    private static readonly (string Device, string Kind, string Location)[] Devices =
    [
        ("fridge-stfut-01", "fridge", "frigo-stfut-degustation"),
        ("fridge-stfut-02", "fridge", "frigo-stfut-marche"),
        ("fridge-epicerie-01", "fridge", "frigo-epicerie-limoilou"),
        ("fridge-epicerie-02", "fridge", "frigo-epicerie-sherbrooke"),
        ("fridge-bar-01", "fridge", "frigo-bar-plateau"),
        ("kiosk-fest-01", "kiosk", "kiosque-festif-1"),
        ("kiosk-fest-02", "kiosk", "kiosque-festif-2"),
        ("kiosk-fest-03", "kiosk", "kiosque-festif-3"),
        ("kiosk-fest-04", "kiosk", "kiosque-festif-4"),
        ("kiosk-fest-05", "kiosk", "kiosque-festif-5"),
        ("kiosk-fest-06", "kiosk", "kiosque-festif-6"),
    ];

    public static IEnumerable<string> Skus => Breweries.SelectMany(b => Beers.Select(beer => $"{b.Prefix}-{beer.Suffix}"));

    public static async Task LoadAsync(IServiceProvider services, CancellationToken ct = default)
    {
        var db = services.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);

        foreach (var (slug, name, region, prefix) in Breweries)
        {
            await Exec(connection, transaction, "INSERT INTO breweries (slug, name, region) VALUES ($1, $2, $3) ON CONFLICT (slug) DO NOTHING", ct, slug, name, region);
            // Members of the Table since its 2022 pooling project.
            await Exec(connection, transaction, """
                INSERT INTO membership_events (brewery_id, status, effective_on, decided_on) SELECT id, 'member', DATE '2022-05-01', DATE '2022-04-20'
                FROM breweries WHERE slug = $1 ON CONFLICT DO NOTHING
                """, ct, slug);
            await Exec(connection, transaction, """
                INSERT INTO locations (code, name, kind, region, brewery_id) SELECT $1, $2, 'brewery', $3, id FROM breweries WHERE slug = $4
                ON CONFLICT (code) DO NOTHING
                """, ct, $"{slug}-brasserie", $"{name} — la brasserie", region, slug);
            foreach (var beer in Beers)
                await Exec(connection, transaction, """
                    INSERT INTO beers (sku, brewery_id, name, style, abv, format, units_per_case)
                    SELECT $1, id, $2, $3, $4, $5, $6 FROM breweries WHERE slug = $7 ON CONFLICT (sku) DO NOTHING
                    """, ct, $"{prefix}-{beer.Suffix}", $"{beer.Name} ({name})", beer.Style, beer.Abv, beer.Format, beer.PerCase, slug);
        }
        foreach (var (code, name, kind, region) in SharedPlaces)
            await Exec(connection, transaction, "INSERT INTO locations (code, name, kind, region) VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO NOTHING", ct, code, name, kind, region);
        foreach (var (device, kind, location) in Devices)
            await Exec(connection, transaction, """
                WITH added AS (
                    INSERT INTO devices (device_id, kind, location_id) SELECT $1, $2, id FROM locations WHERE code = $3 ON CONFLICT (device_id) DO NOTHING
                    RETURNING device_id, location_id)
                INSERT INTO device_placements (device_id, location_id, since, set_by) SELECT device_id, location_id, '-infinity', 'demo-data' FROM added
                """, ct, device, kind, location); // placed since always: what the demo's devices report lands where they stand

        // The price list: every beer's fridge shelf price, kiosk price and grocery wholesale price since the pilot began.
        foreach (var (_, _, _, prefix) in Breweries)
            foreach (var beer in Beers)
                foreach (var (channel, cents) in DemoPrices(beer.Format))
                    await Exec(connection, transaction, """
                        INSERT INTO prices (sku, channel, unit_price_cents, valid_from, set_by) SELECT $1, $2, $3, DATE '2026-01-01', 'demo-data'
                        WHERE NOT EXISTS (SELECT 1 FROM prices WHERE sku = $1 AND channel = $2)
                        """, ct, $"{prefix}-{beer.Suffix}", channel, cents);

        // The five COOP fridges, bought on the grant and placed where their devices stand.
        var fridges = Devices.Where(d => d.Kind == "fridge").ToList();
        for (var i = 0; i < fridges.Count; i++)
        {
            await Exec(connection, transaction, """
                INSERT INTO fridge_assets (serial, model, purchased_on, cost_cents, funding, device_id) VALUES ($1, 'Vitrine réfrigérée 2 portes', DATE '2026-05-15', 420000, 'grant', $2)
                ON CONFLICT DO NOTHING
                """, ct, $"FRIGO-COOP-{i + 1:000}", fridges[i].Device);
            await Exec(connection, transaction, """
                INSERT INTO asset_placements (asset_id, location_id, during) SELECT a.id, l.id, daterange(DATE '2026-06-01', NULL, '[]')
                FROM fridge_assets a, locations l WHERE a.serial = $1 AND l.code = $2 AND NOT EXISTS (SELECT 1 FROM asset_placements p WHERE p.asset_id = a.id)
                """, ct, $"FRIGO-COOP-{i + 1:000}", fridges[i].Location);
        }

        // Par levels: every beer by half a case in every COOP fridge, so the restocking rounds have work.
        foreach (var (_, _, _, prefix) in Breweries)
            foreach (var beer in Beers)
                await Exec(connection, transaction, """
                    INSERT INTO par_levels (sku, location_id, par_units) SELECT $1, id, 12 FROM locations WHERE kind = 'coop_fridge' ON CONFLICT DO NOTHING
                    """, ct, $"{prefix}-{beer.Suffix}");

        // The plans come on their own, so a database from an older demo gets them too.
        if (!await ExistsAsync(connection, transaction, "SELECT EXISTS (SELECT 1 FROM festivals WHERE code = 'festif-mauricie')", ct))
            await PlanFestivalAsync(connection, transaction, ct);
        if (!await ExistsAsync(connection, transaction, "SELECT EXISTS (SELECT 1 FROM collab_brews WHERE code = 'saison-camarades')", ct))
            await PlanCollabBrewAsync(connection, transaction, ct);
        // Stock only into an empty ledger: movements are never added to a ledger that has its own.
        if (await ExistsAsync(connection, transaction, "SELECT EXISTS (SELECT 1 FROM movements)", ct)) { await transaction.CommitAsync(ct); return; }

        // Opening stock: each brewery brews 20 cases of each beer, then fills the shared places.
        var opening = DateTimeOffset.UtcNow.AddDays(-28);
        foreach (var (slug, _, _, prefix) in Breweries)
            foreach (var beer in Beers)
            {
                var sku = $"{prefix}-{beer.Suffix}";
                var brewery = await Id(connection, transaction, $"{slug}-brasserie", ct);
                await Ledger.PostAsync(connection, transaction, new MovementToPost(MovementKinds.Production, sku, "2026-W27", 20 * beer.PerCase,
                    null, brewery, opening, "demo-data", "opening stock"), allowShortfall: false, ct);
                foreach (var (code, _, _, _) in SharedPlaces)
                    await Ledger.PostAsync(connection, transaction, new MovementToPost(MovementKinds.Transfer, sku, null, 12, brewery,
                        await Id(connection, transaction, code, ct), opening.AddDays(1), "demo-data", "opening delivery"), allowShortfall: false, ct);
            }
        await PlaceInGroceryStoresAsync(connection, transaction, opening, ct);
        await SellThroughFridgesAsync(connection, transaction, opening, ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// The Festif de la Mauricie next summer: every member takes part, a kiosk at each of the six kiosk
    /// places with its device; the allocation is left for the lead to adopt from the planner's suggestion.
    /// </summary>
    private static async Task PlanFestivalAsync(NpgsqlConnection c, NpgsqlTransaction tx, CancellationToken ct)
    {
        await Exec(c, tx, """
            INSERT INTO festivals (code, name, site, region, starts_on, ends_on, expected_attendance)
            VALUES ('festif-mauricie', 'Festif de la Mauricie', 'Parc portuaire de Trois-Rivières', 'Mauricie', DATE '2027-08-05', DATE '2027-08-08', 12000)
            """, ct);
        await Exec(c, tx, "INSERT INTO festival_breweries (festival_id, brewery_id) SELECT f.id, b.id FROM festivals f, breweries b WHERE f.code = 'festif-mauricie'", ct);
        for (var i = 1; i <= 6; i++)
        {
            await Exec(c, tx, """
                INSERT INTO kiosks (festival_id, code, name, location_id) SELECT f.id, $1, $2, l.id FROM festivals f, locations l WHERE f.code = 'festif-mauricie' AND l.code = $3
                """, ct, $"k{i}", $"Kiosque COOP {i}", $"kiosque-festif-{i}");
            await Exec(c, tx, """
                INSERT INTO device_assignments (device_id, kiosk_id, during) SELECT $1, k.id, daterange(f.starts_on, f.ends_on, '[]')
                FROM kiosks k JOIN festivals f ON f.id = k.festival_id WHERE f.code = 'festif-mauricie' AND k.code = $2
                """, ct, $"kiosk-fest-0{i}", $"k{i}");
        }
    }

    /// <summary>
    /// The grocery pilot four weeks in: two beers on each pilot store's shelf, delivered with the opening
    /// stock, selling a little more each week — Rimouski's blonde is sold out.
    /// </summary>
    private static async Task PlaceInGroceryStoresAsync(NpgsqlConnection c, NpgsqlTransaction tx, DateTimeOffset opening, CancellationToken ct)
    {
        (string Store, string Sku, int[] WeeklySales)[] placements =
        [
            ("epicerie-coop-rimouski", "COULEE-BLONDE-473", [3, 4, 5]),
            ("epicerie-coop-rimouski", "FJORD-IPA-355", [1, 2, 2]),
            ("epicerie-coop-victoriaville", "3RANGS-BLONDE-473", [2, 3, 3]),
            ("epicerie-coop-victoriaville", "STFUT-IPA-355", [1, 1, 2]),
        ];
        foreach (var (store, sku, weeklySales) in placements)
        {
            await Exec(c, tx, """
                INSERT INTO grocery_placements (sku, location_id, starts_on, facings, shelf_price_cents) SELECT $1, id, $2, 2, 449 FROM locations WHERE code = $3
                """, ct, sku, DateOnly.FromDateTime(opening.UtcDateTime), store);
            var storeId = await Id(c, tx, store, ct);
            for (var week = 0; week < weeklySales.Length; week++)
                await Ledger.PostAsync(c, tx, new MovementToPost(MovementKinds.Sale, sku, null, weeklySales[week], storeId, null,
                    opening.AddDays(7 * (week + 1)), "demo-data", "weekly sell-through report", null, 449), allowShortfall: true, ct);
        }
    }

    private static (string Channel, long Cents)[] DemoPrices(string format) => format == "can_473"
        ? [(Prices.PriceChannels.Fridge, 425), (Prices.PriceChannels.Kiosk, 800), (Prices.PriceChannels.Grocery, 295)]
        : [(Prices.PriceChannels.Fridge, 375), (Prices.PriceChannels.Kiosk, 700), (Prices.PriceChannels.Grocery, 260)];

    /// <summary>
    /// Three weeks of the COOP fridges as their shelf counts tell them: each week's count finds a
    /// few units of each beer gone, recorded as fridge sales at the fridge price, exactly as a device's
    /// count would be; a beer that runs low is restocked with half a case the week after.
    /// </summary>
    private static async Task SellThroughFridgesAsync(NpgsqlConnection c, NpgsqlTransaction tx, DateTimeOffset opening, CancellationToken ct)
    {
        var fridges = Devices.Where(d => d.Kind == "fridge").ToList();
        for (var f = 0; f < fridges.Count; f++)
        {
            var (device, _, code) = fridges[f];
            var fridge = await Id(c, tx, code, ct);
            var skus = Skus.ToList();
            for (var s = 0; s < skus.Count; s++)
            {
                var onShelf = 12;
                for (var week = 1; week <= 3; week++)
                {
                    var countedAt = opening.AddDays(7 * week + 1);
                    var gone = Math.Min(onShelf, 1 + (f * 7 + s * 3 + week * 5) % 5); // 1 to 5 a week, different everywhere
                    var price = await Prices.PriceQueries.PriceAsync(c, tx, skus[s], Prices.PriceChannels.Fridge, countedAt, ct);
                    await Ledger.PostAsync(c, tx, new MovementToPost(MovementKinds.Sale, skus[s], null, gone, fridge, null, countedAt, $"device:{device}",
                        $"sold from the fridge between shelf counts (demo week {week})", device, price), allowShortfall: true, ct);
                    onShelf -= gone;
                    if (onShelf < 6)
                    {
                        var brewery = await Id(c, tx, $"{Breweries.Single(b => skus[s].StartsWith(b.Prefix + "-", StringComparison.Ordinal)).Slug}-brasserie", ct);
                        await Ledger.PostAsync(c, tx, new MovementToPost(MovementKinds.Transfer, skus[s], null, 12, brewery, fridge, countedAt.AddDays(2),
                            "demo-data", "restocking round"), allowShortfall: false, ct);
                        onShelf += 12;
                    }
                }
            }
        }
    }

    /// <summary>A collab brew fermenting at Saint-Fût with Brasse-Camarade and a label designer.</summary>
    private static async Task PlanCollabBrewAsync(NpgsqlConnection c, NpgsqlTransaction tx, CancellationToken ct)
    {
        await Exec(c, tx, """
            INSERT INTO collab_brews (code, name, host_brewery_id, host_location_id, brew_date, planned_volume_l, status, agreement_kind, lot_code, recipe)
            SELECT 'saison-camarades', 'Saison des camarades', b.id, l.id, DATE '2026-11-02', 1000, 'fermenting', 'proportional', 'SAISON-CAMARADES-20261102',
                   '[{"kind": "malt", "name": "Malt pâle", "quantity": 200, "unit": "kg", "suppliedBy": "camarade"}, {"kind": "hop", "name": "Saaz", "quantity": 4, "unit": "kg", "suppliedBy": null}]'
            FROM breweries b JOIN locations l ON l.code = 'saint-fut-brasserie' WHERE b.slug = 'saint-fut'
            """, ct);
        (string Key, string Name, string Role, string? Brewery, string? Location)[] partners =
        [
            ("saint-fut", "Microbrasserie Saint-Fût", "co_brewer", "saint-fut", "saint-fut-brasserie"),
            ("camarade", "Brasse-Camarade", "co_brewer", "brasse-camarade", "brasse-camarade-brasserie"),
            ("atelier-etiquette", "Atelier Étiquette", "designer", null, null),
        ];
        foreach (var (key, name, role, brewery, location) in partners)
            await Exec(c, tx, """
                INSERT INTO collab_partners (brew_id, key, name, role, brewery_id, takes, location_id)
                SELECT cb.id, $1, $2, $3, (SELECT id FROM breweries WHERE slug = $4), CASE WHEN $5::text IS NULL THEN 'cash' ELSE 'beer' END, (SELECT id FROM locations WHERE code = $5)
                FROM collab_brews cb WHERE cb.code = 'saison-camarades'
                """, ct, key, name, role, (object?)brewery ?? DBNull.Value, (object?)location ?? DBNull.Value);
        await Exec(c, tx, """
            INSERT INTO collab_contributions (brew_id, partner_key, kind, description, cents, quantity, unit, unit_cost_cents, hours, rate_cents)
            SELECT cb.id, x.partner, x.kind, x.description, x.cents, x.quantity, x.unit, x.unit_cost, x.hours, x.rate
            FROM collab_brews cb, (VALUES
                ('saint-fut', 'host_fee', 'Salle de brassage et cuves', 60000::bigint, NULL::numeric, NULL, NULL::bigint, NULL::numeric, NULL::bigint),
                ('camarade', 'ingredient', 'Malt pâle', NULL, 200, 'kg', 180, NULL, NULL),
                ('camarade', 'labour', 'Brassage', NULL, NULL, NULL, NULL, 12, 3200),
                ('atelier-etiquette', 'design', 'Étiquette', 45000, NULL, NULL, NULL, NULL, NULL)
            ) AS x (partner, kind, description, cents, quantity, unit, unit_cost, hours, rate)
            WHERE cb.code = 'saison-camarades'
            """, ct);
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection c, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, c, tx);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task<long> Id(NpgsqlConnection c, NpgsqlTransaction tx, string code, CancellationToken ct)
    {
        await using var command = c.Command(tx, "SELECT id FROM locations WHERE code = $1", code);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task Exec(NpgsqlConnection c, NpgsqlTransaction tx, string sql, CancellationToken ct, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, c, tx);
        foreach (var value in values) command.Parameters.Add(new() { Value = value });
        await command.ExecuteNonQueryAsync(ct);
    }
}
