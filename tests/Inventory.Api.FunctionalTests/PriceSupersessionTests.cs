namespace Inventory.Api.FunctionalTests;

/// <summary>
/// A sale takes the price in force at its own time in its channel; a price is superseded by a newer one or ended;
/// a sale without a price is counted as unpriced beside the revenue, never as $0 (DESIGN rule 10, docs/ledger.md).
/// </summary>
public sealed class PriceSupersessionTests(ConcurrentInventoryApi api) : IClassFixture<ConcurrentInventoryApi>
{
    private async Task<JsonElement> PriceAsync(HttpClient who, string sku, string channel, long cents, string from, string? to = null)
    {
        var response = await InventoryApi.Created(who.PostAsJsonAsync("/api/v1/prices", new { sku, channel, unitPriceCents = cents, validFrom = from, validTo = to }));
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<JsonElement[]> ListAsync(string sku, string channel) =>
        (await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/prices?sku={sku}&channel={channel}"))!;

    [Fact]
    public async Task A_new_price_supersedes_the_open_ended_one_and_each_sale_keeps_the_price_of_its_day()
    {
        const string sku = "AUBE-IPA-473";
        await PriceAsync(api.Aube, sku, "grocery", 300, "2026-01-01");
        await PriceAsync(api.Aube, sku, "grocery", 325, "2026-06-01");   // was 409 "end it first", with nothing to end it

        var periods = await ListAsync(sku, "grocery");
        Assert.Equal([("2026-01-01", "2026-05-31"), ("2026-06-01", (string?)null)],
            periods.Select(p => (p.GetProperty("validFrom").GetString()!, p.GetProperty("validTo").GetString())));
        var inForce = await api.Aube.GetFromJsonAsync<JsonElement[]>($"/api/v1/prices?sku={sku}&channel=grocery&on=2026-05-31");
        Assert.Equal(300, Assert.Single(inForce!).GetProperty("unitPriceCents").GetInt64());
    }

    [Fact]
    public async Task A_price_is_ended_on_its_last_day_by_its_brewery_or_the_lead_only()
    {
        const string sku = "STFUT-EPAULE-473";
        var price = await PriceAsync(api.StFut, sku, "grocery", 280, "2026-02-01");
        var end = $"/api/v1/prices/{price.GetProperty("id").GetInt64()}/end";

        Assert.Equal(HttpStatusCode.NotFound, (await api.Aube.PostAsJsonAsync(end, new { validTo = "2026-02-28" })).StatusCode);
        await ProblemAssert.HasStatusAsync(await api.StFut.PostAsJsonAsync(end, new { validTo = "2026-01-15" }), HttpStatusCode.BadRequest, "validTo");
        var ended = await (await api.StFut.PostAsJsonAsync(end, new { validTo = "2026-02-28" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("2026-02-28", ended.GetProperty("validTo").GetString());
        Assert.Empty((await api.StFut.GetFromJsonAsync<JsonElement[]>($"/api/v1/prices?sku={sku}&channel=grocery&on=2026-03-01"))!);
        // A later price may now follow it; ending the first past the start of the next is refused by name.
        await PriceAsync(api.StFut, sku, "grocery", 290, "2026-04-01");
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync(end, new { validTo = "2026-04-10" }), HttpStatusCode.Conflict, "validTo");
    }

    [Fact]
    public async Task Units_sold_without_a_price_are_counted_as_unpriced_never_as_zero_revenue()
    {
        const string sku = "STFUT-BLONDE-355";
        var location = $"frigo-{Guid.NewGuid():N}"[..20];
        var device = $"fridge-{Guid.NewGuid():N}"[..20];
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/locations", new { code = location, name = location, kind = "coop_fridge", region = "Estrie" }));
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync($"/api/v1/devices/{device}", new { kind = "fridge", location })).StatusCode);
        var day = DateTimeOffset.UtcNow.Date.AddDays(-3);
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku, units = 10, to = "stfut-brasserie", occurredAt = day.AddHours(12) }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku, units = 10, from = "stfut-brasserie", to = location, occurredAt = day.AddHours(13) }));
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/device-reports/stock-counts")
        {
            Content = JsonContent.Create(new { deviceId = device, seq = 1, ts = day.AddHours(18), items = new[] { new { sku, units = 6 } } }),
        };
        request.Headers.Add("Idempotency-Key", $"{device}:1");
        await InventoryApi.Created(api.Gateway.SendAsync(request)); // 4 sold; this fixture has no fridge price for the beer

        var week = (await api.StFut.GetFromJsonAsync<JsonElement[]>("/api/v1/sales/fridges?weeks=2"))!.Single(w => w.GetProperty("fridge").GetString() == location);
        Assert.Equal((4L, 0L, 4L), (week.GetProperty("units").GetInt64(), week.GetProperty("revenueCents").GetInt64(), week.GetProperty("unpricedUnits").GetInt64()));
        var revenue = (await api.StFut.GetFromJsonAsync<JsonElement[]>("/api/v1/sales/revenue"))!.Single(r => r.GetProperty("channel").GetString() == "fridge");
        Assert.Equal(4, revenue.GetProperty("unpricedUnits").GetInt64());
        Assert.Contains("(4 u. sans prix)", await api.StFut.GetStringAsync("/stock"));
        var report = await api.Lead.GetFromJsonAsync<JsonElement>($"/api/v1/table/funder-report?from={day:yyyy-MM-dd}&to={day:yyyy-MM-dd}");
        Assert.Equal(4, report.GetProperty("unpricedUnits").GetInt64());
    }
}
