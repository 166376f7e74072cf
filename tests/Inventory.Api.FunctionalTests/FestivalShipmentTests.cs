namespace Inventory.Api.FunctionalTests;

/// <summary>
/// A brewery's pick list shipped as one action (one transfer per line, once), and the reconciliation previewed by the
/// very code that posts it, with nothing kept.
/// </summary>
public sealed class FestivalShipmentTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    private async Task<string> FestivalWithAllocationAsync()
    {
        var code = $"exp-{Guid.NewGuid():N}"[..14];
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals", new
        {
            code, name = $"Festif {code}", site = "Parc", region = "Mauricie", startsOn = "2031-08-07", endsOn = "2031-08-09", expectedAttendance = 1000,
            breweries = new[] { "saint-fut", "aube" },
        }));
        foreach (var kiosk in new[] { "k1", "k2" })
            await InventoryApi.Created(api.Lead.PostAsJsonAsync($"/api/v1/festivals/{code}/kiosks", new { code = kiosk, name = $"Kiosque {kiosk}" }));
        var plan = new[]
        {
            new { kiosk = "k1", sku = "STFUT-EPAULE-473", parUnits = 48 }, new { kiosk = "k2", sku = "STFUT-EPAULE-473", parUnits = 24 },
            new { kiosk = "k2", sku = "STFUT-BLONDE-355", parUnits = 12 }, new { kiosk = "k1", sku = "AUBE-IPA-473", parUnits = 24 },
        };
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync($"/api/v1/festivals/{code}/allocation", plan)).StatusCode);
        foreach (var (client, sku, to) in new[] { (api.StFut, "STFUT-EPAULE-473", "stfut-brasserie"), (api.StFut, "STFUT-BLONDE-355", "stfut-brasserie"), (api.Aube, "AUBE-IPA-473", "aube-brasserie") })
            await InventoryApi.Created(client.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku, units = 100, to }));
        return code;
    }

    private async Task<long> UnitsAtAsync(string sku, string location) =>
        (await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/stock?sku={sku}&location={location}"))!.Sum(l => l.GetProperty("units").GetInt64());

    private static HttpRequestMessage Ship(string code, string brewery, string key) =>
        new(HttpMethod.Post, $"/api/v1/festivals/{code}/pick-lists/{brewery}/shipment") { Content = JsonContent.Create(new { }), Headers = { { "Idempotency-Key", key } } };

    [Fact]
    public async Task A_brewer_ships_its_pick_list_as_one_action_once_and_not_another_brewerys()
    {
        var code = await FestivalWithAllocationAsync();
        var (before, blonde) = (await UnitsAtAsync("STFUT-EPAULE-473", "stfut-brasserie"), await UnitsAtAsync("STFUT-BLONDE-355", "stfut-brasserie"));

        // Aube's brewer may not ship Saint-Fût's list; Saint-Fût's may.
        await ProblemAssert.HasStatusAsync(await api.Aube.SendAsync(Ship(code, "saint-fut", "a1")), HttpStatusCode.Forbidden, "brewery");
        var shipped = await api.StFut.SendAsync(Ship(code, "saint-fut", "s1"));
        Assert.Equal(HttpStatusCode.Created, shipped.StatusCode);
        var transfers = (await shipped.Content.ReadFromJsonAsync<JsonElement[]>())!;
        Assert.Equal(3, transfers.Length); // one per line of the list
        Assert.All(transfers, t => Assert.Equal("transfer", t.GetProperty("kind").GetString()));
        Assert.Equal((48, 24, 12), (await UnitsAtAsync("STFUT-EPAULE-473", $"{code}-k1"), await UnitsAtAsync("STFUT-EPAULE-473", $"{code}-k2"), await UnitsAtAsync("STFUT-BLONDE-355", $"{code}-k2")));
        Assert.Equal((before - 72, blonde - 12), (await UnitsAtAsync("STFUT-EPAULE-473", "stfut-brasserie"), await UnitsAtAsync("STFUT-BLONDE-355", "stfut-brasserie")));

        // The same press retried gets the first answer; a second shipment (another press, the lead's) is refused: nothing moves twice.
        var retried = await api.StFut.SendAsync(Ship(code, "saint-fut", "s1"));
        Assert.Equal((HttpStatusCode.Created, "true"), (retried.StatusCode, retried.Headers.GetValues("Idempotent-Replayed").Single()));
        await ProblemAssert.HasStatusAsync(await api.StFut.SendAsync(Ship(code, "saint-fut", "s2")), HttpStatusCode.Conflict, "brewery");
        await ProblemAssert.HasStatusAsync(await api.Lead.SendAsync(Ship(code, "saint-fut", "l1")), HttpStatusCode.Conflict, "brewery");
        Assert.Equal(48, await UnitsAtAsync("STFUT-EPAULE-473", $"{code}-k1"));

        // The pick lists say which were shipped, when and by whom; the lead ships Aube's.
        var lists = (await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/festivals/{code}/pick-lists"))!.ToDictionary(l => l.GetProperty("brewery").GetString()!);
        Assert.Equal("felix", lists["saint-fut"].GetProperty("shippedBy").GetString());
        Assert.Equal(JsonValueKind.Null, lists["aube"].GetProperty("shippedAt").ValueKind);
        Assert.Equal(HttpStatusCode.Created, (await api.Lead.SendAsync(Ship(code, "aube", "l2"))).StatusCode);
        Assert.Equal(24, await UnitsAtAsync("AUBE-IPA-473", $"{code}-k1"));
    }

    [Fact]
    public async Task The_results_page_shows_the_lead_every_brewerys_rows_and_a_brewer_its_own_and_their_totals_only()
    {
        var code = await FestivalWithAllocationAsync();
        Assert.Equal(HttpStatusCode.Created, (await api.StFut.SendAsync(Ship(code, "saint-fut", "r1"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await api.Aube.SendAsync(Ship(code, "aube", "r2"))).StatusCode);

        var lead = await api.Lead.GetStringAsync($"/festivals/{code}/resultats");
        Assert.Contains("data-result=\"k1/saint-fut\"", lead);
        Assert.Contains("data-result=\"k1/aube\"", lead);
        Assert.Contains("<tfoot><tr><th scope=\"row\">Total</th><td></td><td>108</td>", lead); // 48 + 24 + 12 + 24 sent
        var felix = await api.StFut.GetStringAsync($"/festivals/{code}/resultats");
        Assert.Contains("data-result=\"k2/saint-fut\"", felix);
        Assert.DoesNotContain("aube", felix, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<tfoot><tr><th scope=\"row\">Total</th><td></td><td>84</td>", felix); // its own 48 + 24 + 12: never the festival's
        Assert.Contains("data-print", felix);
    }

    [Fact]
    public async Task A_pick_list_the_brewery_cannot_fill_ships_nothing_and_a_brewery_not_at_the_festival_has_none()
    {
        var code = await FestivalWithAllocationAsync();
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync($"/api/v1/festivals/{code}/allocation",
            new[] { new { kiosk = "k1", sku = "STFUT-EPAULE-473", parUnits = 48 }, new { kiosk = "k2", sku = "STFUT-BLONDE-355", parUnits = 100_000 } })).StatusCode);
        var epaule = await UnitsAtAsync("STFUT-EPAULE-473", "stfut-brasserie");

        await ProblemAssert.HasStatusAsync(await api.StFut.SendAsync(Ship(code, "saint-fut", "short")), HttpStatusCode.Conflict, "units");
        Assert.Equal(epaule, await UnitsAtAsync("STFUT-EPAULE-473", "stfut-brasserie")); // the first line did not go alone
        Assert.Equal(0, await UnitsAtAsync("STFUT-EPAULE-473", $"{code}-k1"));
        await ProblemAssert.HasStatusAsync(await api.Lead.SendAsync(Ship(code, "nulle-part", "x")), HttpStatusCode.NotFound, "brewery");
    }

    [Fact]
    public async Task The_reconciliation_preview_is_what_the_reconciliation_then_posts_and_posts_nothing()
    {
        var code = await FestivalWithAllocationAsync();
        Assert.Equal(HttpStatusCode.Created, (await api.StFut.SendAsync(Ship(code, "saint-fut", "p1"))).StatusCode);
        var reconciliation = new { returns = new[] { new { kiosk = "k1", sku = "STFUT-EPAULE-473", units = 10, to = "stfut-brasserie" } } };
        var atBrewery = await UnitsAtAsync("STFUT-EPAULE-473", "stfut-brasserie");

        var previewed = await api.Lead.PostAsJsonAsync($"/api/v1/festivals/{code}/reconciliation/preview", reconciliation);
        Assert.Equal(HttpStatusCode.OK, previewed.StatusCode);
        var preview = await previewed.Content.ReadAsStringAsync();
        Assert.Contains("\"loss\":38", preview, StringComparison.Ordinal); // k1: 48 sent, 10 back
        // Nothing was kept: the units are where they were, no return, no loss, the festival not reconciled.
        Assert.Equal((atBrewery, 48L), (await UnitsAtAsync("STFUT-EPAULE-473", "stfut-brasserie"), await UnitsAtAsync("STFUT-EPAULE-473", $"{code}-k1")));
        Assert.Equal(0, (await api.Lead.GetFromJsonAsync<JsonElement>($"/api/v1/movements?location={code}-k1&kind=loss")).GetProperty("items").GetArrayLength());
        // A return line that names no kiosk is refused by field, as the reconciliation refuses it; a brewer may not preview.
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync($"/api/v1/festivals/{code}/reconciliation/preview",
            new { returns = new[] { new { sku = "STFUT-EPAULE-473", units = 1, to = "stfut-brasserie" } } }), HttpStatusCode.BadRequest, "returns[0].kiosk");
        Assert.Equal(HttpStatusCode.Forbidden, (await api.StFut.PostAsJsonAsync($"/api/v1/festivals/{code}/reconciliation/preview", reconciliation)).StatusCode);

        var posted = await InventoryApi.Created(api.Lead.PostAsJsonAsync($"/api/v1/festivals/{code}/reconciliation", reconciliation));
        Assert.Equal(preview, await posted.Content.ReadAsStringAsync());
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync($"/api/v1/festivals/{code}/reconciliation/preview", reconciliation), HttpStatusCode.Conflict);
    }
}
