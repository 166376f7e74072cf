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
        // The weekly rate is over the days it stood on the shelf in the four Québec weeks ended by last Sunday.
        var quebecToday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("America/Toronto")).DateTime);
        var daysOnShelf = quebecToday.AddDays(-(int)quebecToday.DayOfWeek).DayNumber - today.AddDays(-20).DayNumber + 1;
        var weekly = Math.Round(48 * 7m / daysOnShelf, 2);
        Assert.Equal((weekly, Math.Round(48 / weekly, 1)), (rimouski.GetProperty("averageWeeklySales").GetDecimal(), rimouski.GetProperty("weeksOfStockLeft").GetDecimal()));
        Assert.False(rimouski.GetProperty("outOfStock").GetBoolean());
        Assert.True(performance["epicerie-victo"].GetProperty("outOfStock").GetBoolean());

        // Sales are priced at the grocery list (wholesale) price of the week, what Aube is paid, not the store's
        // shelf price; the week before the list had a price is unpriced, never $0. The funder report counts both.
        var report = await api.Lead.GetFromJsonAsync<JsonElement>($"/api/v1/table/funder-report?from={today.AddDays(-30):yyyy-MM-dd}&to={today:yyyy-MM-dd}");
        var grocery = report.GetProperty("sales").EnumerateArray().Where(s => s.GetProperty("channel").GetString() == "epiceries").ToList();
        Assert.Equal((72L, 48 * 305L, 24L), (grocery.Sum(s => s.GetProperty("units").GetInt64()), grocery.Sum(s => s.GetProperty("revenueCents").GetInt64()),
            grocery.Sum(s => s.GetProperty("unpricedUnits").GetInt64())));
    }

    /// <summary>
    /// A placement that ends on a Wednesday: its leftovers are taken back that evening and the week's report (Monday to
    /// Wednesday) comes after. It is not out of stock (it is gone), its weekly rate is over the 17 days it stood there, and
    /// a later placement of the same beer in the same store has its own figures, not the first one's again. The old
    /// figures said it was out of stock, sold 10 a week, and the second placement had been delivered 72.
    /// </summary>
    [Fact]
    public async Task A_placement_ended_mid_week_is_gone_not_out_of_stock_and_a_later_one_has_its_own_figures()
    {
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/locations", new { code = "epicerie-joliette", name = "Épicerie coop de Joliette", kind = "grocery_store", region = "Lanaudière" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/grocery/placements", new { sku = "AUBE-IPA-473", store = "epicerie-joliette", startsOn = "2026-09-07", endsOn = "2026-09-23", facings = 2, shelfPriceCents = 429 }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/grocery/placements", new { sku = "AUBE-IPA-473", store = "epicerie-joliette", startsOn = "2026-10-05", facings = 2, shelfPriceCents = 449 }));
        await InventoryApi.Created(api.Aube.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku = "AUBE-IPA-473", units = 72, to = "aube-brasserie", occurredAt = "2026-09-01T12:00:00-04:00" }));
        async Task Move(int units, string from, string to, string at) =>
            await InventoryApi.Created(api.Aube.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = "AUBE-IPA-473", units, from, to, occurredAt = at }));
        async Task Week(string sunday, int units) => await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/grocery/sell-through",
            new { store = "epicerie-joliette", weekEnding = sunday, lines = new[] { new { sku = "AUBE-IPA-473", unitsSold = units } } }));
        // Recorded out of order: a week's report before the delivery, the last week's before the one before it.
        await Week("2026-09-13", 12);
        await Move(48, "aube-brasserie", "epicerie-joliette", "2026-09-06T18:00:00-04:00");
        await Week("2026-09-27", 6);
        await Move(18, "epicerie-joliette", "aube-brasserie", "2026-09-23T18:00:00-04:00");
        await Move(24, "aube-brasserie", "epicerie-joliette", "2026-10-04T18:00:00-04:00");
        await Week("2026-10-11", 10);
        await Week("2026-09-20", 12);

        async Task<List<JsonElement>> Performance(string asOf, int weeks) =>
            [.. (await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/grocery/performance?weeks={weeks}&asOf={asOf}"))!
                .Where(p => p.GetProperty("store").GetString() == "epicerie-joliette")];
        static object Figures(JsonElement p) => (p.GetProperty("delivered").GetInt32(), p.GetProperty("takenBack").GetInt32(), p.GetProperty("sold").GetInt32(),
            p.GetProperty("onHand").GetInt32(), p.GetProperty("sellThroughPercent").GetDecimal(), p.GetProperty("averageWeeklySales").GetDecimal(),
            p.GetProperty("weeksOfStockLeft").ValueKind == JsonValueKind.Null ? (decimal?)null : p.GetProperty("weeksOfStockLeft").GetDecimal(),
            p.GetProperty("outOfStock").GetBoolean(), p.GetProperty("ended").GetBoolean());

        var endOfSeptember = await Performance("2026-09-27", 3);
        Assert.Equal([(48, 18, 30, 0, 62.5m, 12.35m, (decimal?)null, false, true)], endOfSeptember.Select(Figures));
        var october = await Performance("2026-10-11", 4);
        Assert.Equal([(48, 18, 30, 0, 62.5m, 12.6m, (decimal?)null, false, true), (24, 0, 10, 14, 41.7m, 10m, (decimal?)1.4m, false, false)], october.Select(Figures));

        // Each week is the Québec week its report closes, not the UTC week its Sunday 23:59 falls in.
        var weeks = (await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/grocery/weeks?from=2026-09-01&to=2026-10-31"))!
            .Where(w => w.GetProperty("store").GetString() == "epicerie-joliette")
            .Select(w => (w.GetProperty("weekOf").GetString(), w.GetProperty("units").GetInt64()));
        Assert.Equal([("2026-09-07", 12L), ("2026-09-14", 12L), ("2026-09-21", 6L), ("2026-10-05", 10L)], weeks);
    }

    /// <summary>The page's weekly chart labels a week by its Monday in Québec: a report dated on its Sunday evening is that week's (04:59 UTC the next day).</summary>
    [Fact]
    public async Task The_pages_weekly_chart_shows_a_report_in_the_week_it_closes()
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("America/Toronto")).DateTime);
        var lastSunday = today.AddDays(-(int)today.DayOfWeek - (today.DayOfWeek == DayOfWeek.Sunday ? 7 : 0));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/locations", new { code = "epicerie-alma", name = "Épicerie coop d'Alma", kind = "grocery_store", region = "Saguenay–Lac-Saint-Jean" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/grocery/placements", new { sku = "STFUT-BLONDE-355", store = "epicerie-alma", startsOn = lastSunday.AddDays(-13), facings = 2, shelfPriceCents = 329 }));
        await InventoryApi.Created(api.StFut.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku = "STFUT-BLONDE-355", units = 24, to = "stfut-brasserie", occurredAt = DateTimeOffset.UtcNow.AddDays(-20) }));
        await InventoryApi.Created(api.StFut.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = "STFUT-BLONDE-355", units = 24, from = "stfut-brasserie", to = "epicerie-alma", occurredAt = DateTimeOffset.UtcNow.AddDays(-15) }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/grocery/sell-through",
            new { store = "epicerie-alma", weekEnding = lastSunday, lines = new[] { new { sku = "STFUT-BLONDE-355", unitsSold = 7 } } }));

        var page = await api.StFut.GetStringAsync("/epicerie");
        Assert.Contains($"<title>{lastSunday.AddDays(-6):MM-dd} : 7</title>", page);
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
