namespace Inventory.Api.FunctionalTests;

public sealed class GroceryTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    [Fact]
    public async Task A_placement_is_delivered_sold_through_and_its_performance_reported()
    {
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/locations", new { code = "epicerie-rimouski", name = "Épicerie coop de Rimouski", kind = "grocery_store", region = "Bas-Saint-Laurent" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/locations", new { code = "epicerie-victo", name = "Épicerie coop de Victoriaville", kind = "grocery_store", region = "Centre-du-Québec" }));
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        foreach (var store in new[] { "epicerie-rimouski", "epicerie-victo" })
            await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/grocery/placements", new { sku = "AUBE-IPA-473", store, startsOn = today.AddDays(-20), facings = 3, shelfPriceCents = 429 }));
        var twice = await api.Lead.PostAsJsonAsync("/api/v1/grocery/placements", new { sku = "AUBE-IPA-473", store = "epicerie-victo", startsOn = today.AddDays(-5), facings = 2, shelfPriceCents = 399 });
        await ProblemAssert.HasStatusAsync(twice, HttpStatusCode.Conflict, "startsOn");

        // Deliveries are ledger transfers into the stores.
        await InventoryApi.Created(api.Aube.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku = "AUBE-IPA-473", cases = 10, to = "aube-brasserie" }));
        await InventoryApi.Created(api.Aube.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = "AUBE-IPA-473", cases = 4, from = "aube-brasserie", to = "epicerie-rimouski", occurredAt = DateTimeOffset.UtcNow.AddDays(-20) }));
        await InventoryApi.Created(api.Aube.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = "AUBE-IPA-473", cases = 1, from = "aube-brasserie", to = "epicerie-victo", occurredAt = DateTimeOffset.UtcNow.AddDays(-20) }));

        // Weekly sell-through: Rimouski sells 24 then 24 cans; Victoriaville sells its 24 and is out.
        async Task Week(string store, int daysAgo, int units) => await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/grocery/sell-through",
            new { store, weekEnding = today.AddDays(-daysAgo), lines = new[] { new { sku = "AUBE-IPA-473", unitsSold = units } } }));
        await Week("epicerie-rimouski", 14, 24);
        await InventoryApi.Created(api.Aube.PostAsJsonAsync("/api/v1/prices", new { sku = "AUBE-IPA-473", channel = "grocery", unitPriceCents = 305, validFrom = today.AddDays(-10) }));
        await Week("epicerie-rimouski", 7, 24);
        await Week("epicerie-victo", 7, 24);
        var replay = await api.Lead.PostAsJsonAsync("/api/v1/grocery/sell-through", new { store = "epicerie-victo", weekEnding = today.AddDays(-7), lines = new[] { new { sku = "AUBE-IPA-473", unitsSold = 24 } } });
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());

        var performance = (await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/grocery/performance?weeks=4"))!.ToDictionary(p => p.GetProperty("store").GetString()!);
        var rimouski = performance["epicerie-rimouski"];
        Assert.Equal((96, 48, 48, 50.0m), (rimouski.GetProperty("delivered").GetInt32(), rimouski.GetProperty("sold").GetInt32(), rimouski.GetProperty("onHand").GetInt32(), rimouski.GetProperty("sellThroughPercent").GetDecimal()));
        Assert.Equal((12m, 4m), (rimouski.GetProperty("averageWeeklySales").GetDecimal(), rimouski.GetProperty("weeksOfStockLeft").GetDecimal()));
        Assert.False(rimouski.GetProperty("outOfStock").GetBoolean());
        Assert.True(performance["epicerie-victo"].GetProperty("outOfStock").GetBoolean());

        // Sales are priced at the grocery list (wholesale) price of the week, what Aube is paid, not the store's
        // shelf price; the week before the list had a price is unpriced, never $0. The funder report counts both.
        var report = await api.Lead.GetFromJsonAsync<JsonElement>($"/api/v1/table/funder-report?from={today.AddDays(-30):yyyy-MM-dd}&to={today:yyyy-MM-dd}");
        var grocery = report.GetProperty("sales").EnumerateArray().Where(s => s.GetProperty("channel").GetString() == "epiceries").ToList();
        Assert.Equal((72L, 48 * 305L, 24L), (grocery.Sum(s => s.GetProperty("units").GetInt64()), grocery.Sum(s => s.GetProperty("revenueCents").GetInt64()),
            grocery.Sum(s => s.GetProperty("unpricedUnits").GetInt64())));
    }

    [Fact]
    public async Task Bad_placements_and_reports_are_refused_naming_the_field()
    {
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/grocery/placements", new { sku = "AUBE-IPA-473", store = "frigo-coop-01", startsOn = "2026-07-01", facings = 3, shelfPriceCents = 429 }), HttpStatusCode.NotFound, "store");
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/grocery/placements", new { sku = "AUBE-IPA-473", store = "x", startsOn = "2026-07-01", facings = 0, shelfPriceCents = 429 }), HttpStatusCode.BadRequest, "facings");
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/grocery/sell-through", new { store = "frigo-coop-01", weekEnding = "2099-01-01", lines = new[] { new { sku = "AUBE-IPA-473", unitsSold = 1 } } }), HttpStatusCode.BadRequest, "weekEnding");
        Assert.Equal(HttpStatusCode.Forbidden, (await api.StFut.PostAsJsonAsync("/api/v1/grocery/placements", new { })).StatusCode);
    }
}
