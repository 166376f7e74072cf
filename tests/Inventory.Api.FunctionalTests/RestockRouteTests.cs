namespace Inventory.Api.FunctionalTests;

/// <summary>
/// Issue 17's last pieces of restocking: named routes (the fridges one person visits) that narrow the
/// restock list and the round, since when a fridge's beer has been under par (and the fleet page showing
/// those under for too long), the bought fridges registered and placed, and the fridges' sales in the
/// funder report.
/// </summary>
public sealed class RestockRouteTests(ConcurrentInventoryApi api) : IClassFixture<ConcurrentInventoryApi>
{
    private const string Sku = "STFUT-BLONDE-355";

    private async Task<string> FridgeAsync()
    {
        var location = $"frigo-{Guid.NewGuid():N}"[..20];
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/locations", new { code = location, name = $"Frigo {location}", kind = "coop_fridge", region = "Estrie" }));
        return location;
    }

    private async Task MoveAsync(string kind, int units, string? from, string? to, DateTimeOffset at) =>
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind, sku = Sku, units, from, to, occurredAt = at }));

    /// <summary>A fridge whose Blonde is under a par of 12 since <paramref name="since"/>, after having been at par before.</summary>
    private async Task<string> UnderParFridgeAsync(DateTimeOffset since)
    {
        var location = await FridgeAsync();
        await MoveAsync("production", 40, null, "stfut-brasserie", since.AddDays(-3));
        await MoveAsync("transfer", 20, "stfut-brasserie", location, since.AddDays(-2));
        await MoveAsync("sale", 10, location, null, since.AddDays(-1).AddHours(-1)); // under (10)
        await MoveAsync("transfer", 5, "stfut-brasserie", location, since.AddDays(-1));  // back at par (15)
        await MoveAsync("sale", 6, location, null, since);                              // under again (9), since then
        Assert.Equal(HttpStatusCode.OK, (await api.StFut.PutAsJsonAsync("/api/v1/par-levels", new { sku = Sku, location, parUnits = 12 })).StatusCode);
        return location;
    }

    [Fact]
    public async Task A_named_route_narrows_the_restock_list_and_the_round_to_its_fridges_and_a_brewers_route_is_its_own()
    {
        var (onRoute, offRoute) = (await UnderParFridgeAsync(DateTimeOffset.UtcNow.AddHours(-2)), await UnderParFridgeAsync(DateTimeOffset.UtcNow.AddHours(-2)));
        var made = await InventoryApi.Created(api.StFut.PostAsJsonAsync("/api/v1/stock/restock/routes", new { name = $"Estrie {onRoute}", driver = "Félix", fridges = new[] { onRoute } }));
        var route = await made.Content.ReadFromJsonAsync<JsonElement>();
        var id = route.GetProperty("id").GetInt64();
        Assert.Equal("saint-fut", route.GetProperty("brewery").GetString());

        var list = (await api.StFut.GetFromJsonAsync<JsonElement[]>($"/api/v1/stock/restock?route={id}"))!;
        Assert.Equal([onRoute], list.Select(l => l.GetProperty("fridge").GetString()).Distinct());
        Assert.Contains((await api.StFut.GetFromJsonAsync<JsonElement[]>("/api/v1/stock/restock"))!, l => l.GetProperty("fridge").GetString() == offRoute);

        // A round for the route holds the route's fridges only, and remembers the route.
        var round = await (await InventoryApi.Created(api.StFut.PostAsJsonAsync("/api/v1/stock/restock/rounds", new { from = "stfut-brasserie", route = id })))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal([onRoute], round.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("fridge").GetString()));
        Assert.Equal($"Estrie {onRoute}", round.GetProperty("route").GetString());

        // Aube neither sees nor uses nor changes Saint-Fût's route; the Table's routes (the lead's) are everyone's.
        Assert.DoesNotContain((await api.Aube.GetFromJsonAsync<JsonElement[]>("/api/v1/stock/restock/routes"))!, r => r.GetProperty("id").GetInt64() == id);
        await ProblemAssert.HasStatusAsync(await api.Aube.GetAsync($"/api/v1/stock/restock?route={id}"), HttpStatusCode.NotFound, "route");
        await ProblemAssert.HasStatusAsync(await api.Aube.PutAsJsonAsync($"/api/v1/stock/restock/routes/{id}", new { name = "mine", fridges = new[] { offRoute } }), HttpStatusCode.NotFound, "route");
        var table = await (await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/stock/restock/routes", new { name = $"Table {offRoute}", fridges = new[] { onRoute, offRoute } })))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, table.GetProperty("brewery").ValueKind);
        Assert.Contains((await api.Aube.GetFromJsonAsync<JsonElement[]>("/api/v1/stock/restock/routes"))!, r => r.GetProperty("id").GetInt64() == table.GetProperty("id").GetInt64());

        // Saint-Fût moves its route to the other fridge; the page lists the route's fridges under its name.
        var moved = await (await api.StFut.PutAsJsonAsync($"/api/v1/stock/restock/routes/{id}", new { name = $"Estrie {onRoute}", fridges = new[] { offRoute } })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal([offRoute], moved.GetProperty("fridges").EnumerateArray().Select(f => f.GetProperty("code").GetString()));
        var page = await api.StFut.GetStringAsync($"/tournees?route={id}");
        Assert.Contains($"<td>Frigo {offRoute}</td>", page);
        Assert.DoesNotContain($"<td>Frigo {onRoute}</td>", page);
    }

    [Fact]
    public async Task A_route_is_refused_by_field_for_places_that_are_not_fridges_a_taken_name_or_no_fridge()
    {
        var fridge = await FridgeAsync();
        await ProblemAssert.HasStatusAsync(await api.StFut.PostAsJsonAsync("/api/v1/stock/restock/routes", new { name = "Nord", fridges = new[] { "stfut-brasserie" } }),
            HttpStatusCode.UnprocessableEntity, "fridges");
        await ProblemAssert.HasStatusAsync(await api.StFut.PostAsJsonAsync("/api/v1/stock/restock/routes", new { name = "Nord", fridges = Array.Empty<string>() }), HttpStatusCode.BadRequest, "fridges");
        await ProblemAssert.HasStatusAsync(await api.StFut.PostAsJsonAsync("/api/v1/stock/restock/routes", new { name = "Nord", fridges = new[] { fridge, fridge } }), HttpStatusCode.BadRequest, "fridges");
        await ProblemAssert.HasStatusAsync(await api.StFut.PostAsJsonAsync("/api/v1/stock/restock/routes", new { name = " ", fridges = new[] { fridge } }), HttpStatusCode.BadRequest, "name");
        var name = $"Sud {fridge}";
        await InventoryApi.Created(api.StFut.PostAsJsonAsync("/api/v1/stock/restock/routes", new { name, fridges = new[] { fridge } }));
        await ProblemAssert.HasStatusAsync(await api.StFut.PostAsJsonAsync("/api/v1/stock/restock/routes", new { name = name.ToUpperInvariant(), fridges = new[] { fridge } }), HttpStatusCode.Conflict, "name");
        // Another brewery may use the same name for its own route; a brewer may not make another brewery's.
        await InventoryApi.Created(api.Aube.PostAsJsonAsync("/api/v1/stock/restock/routes", new { name, fridges = new[] { fridge } }));
        Assert.Equal(HttpStatusCode.Forbidden, (await api.Aube.PostAsJsonAsync("/api/v1/stock/restock/routes", new { name = "x" + name, brewery = "saint-fut", fridges = new[] { fridge } })).StatusCode);
    }

    [Fact]
    public async Task Under_par_since_is_the_first_movement_after_the_shelf_was_last_at_par_and_the_fleet_page_shows_the_long_ones()
    {
        var longAgo = DateTimeOffset.UtcNow.AddDays(-3).AddMinutes(-7);
        var (stale, recent) = (await UnderParFridgeAsync(longAgo), await UnderParFridgeAsync(DateTimeOffset.UtcNow.AddHours(-2)));
        var neverFilled = await FridgeAsync();
        Assert.Equal(HttpStatusCode.OK, (await api.StFut.PutAsJsonAsync("/api/v1/par-levels", new { sku = Sku, location = neverFilled, parUnits = 6 })).StatusCode);

        var lines = (await api.StFut.GetFromJsonAsync<JsonElement[]>("/api/v1/stock/restock"))!.ToDictionary(l => l.GetProperty("fridge").GetString()!);
        Assert.Equal(longAgo.ToUnixTimeSeconds(), lines[stale].GetProperty("belowParSince").GetDateTimeOffset().ToUnixTimeSeconds());
        Assert.Equal(9, lines[stale].GetProperty("onShelf").GetInt32());
        Assert.Equal(JsonValueKind.Null, lines[neverFilled].GetProperty("belowParSince").ValueKind);

        // The fleet page (the lead's) shows the beers under par for more than 48 h: the stale one and the never filled, not the recent one.
        var fleet = await api.Lead.GetStringAsync("/flotte");
        Assert.Contains($"data-fridge=\"{stale}\" data-sku=\"{Sku}\"", fleet);
        Assert.Contains($"data-fridge=\"{neverFilled}\"", fleet);
        Assert.DoesNotContain($"data-fridge=\"{recent}\"", fleet);
        // Aube's brewer sees its own beers only there.
        Assert.DoesNotContain($"data-fridge=\"{stale}\"", await api.Aube.GetStringAsync("/flotte"));
    }

    [Fact]
    public async Task Bought_fridges_are_listed_where_they_stand_and_the_funder_report_counts_them_and_their_sales_by_fridge_and_week()
    {
        // 2019: a year no other test writes in, so that the report's figures are this test's alone.
        var location = await FridgeAsync();
        var serial = $"FRG-{Guid.NewGuid():N}"[..16];
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/table/assets", new { serial, model = "True GDM-23", purchasedOn = "2019-02-01", costCents = 180_000, funding = "grant" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync($"/api/v1/table/assets/{serial}/placements", new { location, from = "2019-02-04" }));
        await MoveAsync("production", 30, null, "stfut-brasserie", new DateTimeOffset(2019, 2, 4, 9, 0, 0, TimeSpan.Zero));
        await MoveAsync("transfer", 24, "stfut-brasserie", location, new DateTimeOffset(2019, 2, 4, 10, 0, 0, TimeSpan.Zero));
        await MoveAsync("sale", 7, location, null, new DateTimeOffset(2019, 2, 6, 18, 0, 0, TimeSpan.Zero));
        await MoveAsync("sale", 5, location, null, new DateTimeOffset(2019, 2, 12, 18, 0, 0, TimeSpan.Zero));

        var asset = (await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/table/assets"))!.Single(a => a.GetProperty("serial").GetString() == serial);
        Assert.Equal((location, "2019-02-04"), (asset.GetProperty("location").GetString(), asset.GetProperty("placedSince").GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, (await api.StFut.GetAsync("/api/v1/table/assets")).StatusCode);

        var report = await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/table/funder-report?from=2019-02-01&to=2019-02-28");
        Assert.Equal((1, 1, 1), (report.GetProperty("fridgesBought").GetInt32(), report.GetProperty("fridgesOwned").GetInt32(), report.GetProperty("fridgesPlaced").GetInt32()));
        var weeks = report.GetProperty("fridgeSales").EnumerateArray().Select(w => (w.GetProperty("fridge").GetString(), w.GetProperty("weekOf").GetString(), w.GetProperty("units").GetInt64())).ToList();
        Assert.Equal([(location, "2019-02-11", 5L), (location, "2019-02-04", 7L)], weeks);
        Assert.Equal(12, report.GetProperty("sales").EnumerateArray().Where(s => s.GetProperty("channel").GetString() == "frigos").Sum(s => s.GetProperty("units").GetInt64()));

        var page = await api.Lead.GetStringAsync("/rapport?du=2019-02-01&au=2019-02-28");
        Assert.Contains($"<td>Frigo {location} <span class=\"muted\">{location}</span></td><td>saint-fut</td><td>12</td>", page);
        Assert.Contains("<td>2019-02-04</td><td>7</td>", page);
        Assert.Contains("1 frigos possédés à la fin de la période, dont 1 placés pendant celle-ci.", page);
        Assert.Contains($"data-serial=\"{serial}\"", await api.Lead.GetStringAsync("/parc"));
        Assert.Equal(HttpStatusCode.Forbidden, (await api.StFut.GetAsync("/parc")).StatusCode);
    }
}
