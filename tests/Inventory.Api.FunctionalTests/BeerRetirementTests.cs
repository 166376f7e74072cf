namespace Inventory.Api.FunctionalTests;

/// <summary>
/// A beer its brewery stops making: retired from a day, it is not brewed, no fridge is stocked with it and no festival
/// is offered it; what is left of it still moves and sells.
/// </summary>
public sealed class BeerRetirementTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    [Fact]
    public async Task A_retired_beer_is_not_brewed_nor_stocked_nor_offered_but_what_is_left_still_moves()
    {
        await InventoryApi.Created(api.StFut.PostAsJsonAsync("/api/v1/beers", new { sku = "STFUT-RETRAITE-473", brewery = "saint-fut", name = "La retraitée", format = "can_473", unitsPerCase = 24 }));
        await InventoryApi.Created(api.StFut.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku = "STFUT-RETRAITE-473", units = 48, to = "stfut-brasserie", occurredAt = DateTimeOffset.UtcNow.AddDays(-2) }));
        Assert.Equal(HttpStatusCode.OK, (await api.StFut.PutAsJsonAsync("/api/v1/par-levels", new { sku = "STFUT-RETRAITE-473", location = "frigo-coop-01", parUnits = 24 })).StatusCode);
        Assert.Contains((await api.StFut.GetFromJsonAsync<JsonElement[]>("/api/v1/stock/restock"))!, l => l.GetProperty("sku").GetString() == "STFUT-RETRAITE-473");

        // Not from a day to come (its par levels would end while it is still made); another brewery may not retire it;
        // its own brewer does, once.
        await ProblemAssert.HasStatusAsync(await api.StFut.PostAsJsonAsync("/api/v1/beers/STFUT-RETRAITE-473/retirement",
            new { from = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }), HttpStatusCode.BadRequest, "from");
        Assert.Equal(HttpStatusCode.Forbidden, (await api.Aube.PostAsJsonAsync("/api/v1/beers/STFUT-RETRAITE-473/retirement", new { })).StatusCode);
        var retired = await api.StFut.PostAsJsonAsync("/api/v1/beers/STFUT-RETRAITE-473/retirement", new { });
        Assert.Equal(HttpStatusCode.OK, retired.StatusCode);
        Assert.NotEqual(JsonValueKind.Null, (await retired.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("retiredOn").ValueKind);
        await ProblemAssert.HasStatusAsync(await api.StFut.PostAsJsonAsync("/api/v1/beers/STFUT-RETRAITE-473/retirement", new { }), HttpStatusCode.Conflict, "sku");

        // Not brewed from that day (a brewing of the day before, entered late, is still the day before's); not stocked.
        await ProblemAssert.HasStatusAsync(await api.StFut.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku = "STFUT-RETRAITE-473", units = 24, to = "stfut-brasserie" }),
            HttpStatusCode.UnprocessableEntity, "sku");
        await InventoryApi.Created(api.StFut.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku = "STFUT-RETRAITE-473", units = 2, to = "stfut-brasserie", occurredAt = DateTimeOffset.UtcNow.AddDays(-2) }));
        Assert.DoesNotContain((await api.StFut.GetFromJsonAsync<JsonElement[]>("/api/v1/stock/restock"))!, l => l.GetProperty("sku").GetString() == "STFUT-RETRAITE-473");
        Assert.DoesNotContain((await api.StFut.GetFromJsonAsync<JsonElement[]>("/api/v1/par-levels"))!, l => l.GetProperty("sku").GetString() == "STFUT-RETRAITE-473");
        await ProblemAssert.HasStatusAsync(await api.StFut.PutAsJsonAsync("/api/v1/par-levels", new { sku = "STFUT-RETRAITE-473", location = "frigo-coop-01", parUnits = 12 }),
            HttpStatusCode.UnprocessableEntity, "sku");

        // What is left still goes to a fridge (and sells there).
        await InventoryApi.Created(api.StFut.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = "STFUT-RETRAITE-473", units = 12, from = "stfut-brasserie", to = "frigo-coop-01" }));

        // A festival from after its retirement is not offered it.
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals", new
        {
            code = "apres-retraite", name = "Après la retraite", site = "Parc", region = "Mauricie", startsOn = "2031-07-01", endsOn = "2031-07-02", expectedAttendance = 500,
            breweries = new[] { "saint-fut" },
        }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals/apres-retraite/kiosks", new { code = "k1", name = "Kiosque" }));
        var suggested = (await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/festivals/apres-retraite/allocation/suggested"))!;
        Assert.NotEmpty(suggested);
        Assert.DoesNotContain(suggested, s => s.GetProperty("sku").GetString() == "STFUT-RETRAITE-473");

        // The par levels' page no longer offers it; the catalogue says it is retired, and offers no second retirement.
        Assert.DoesNotContain("value=\"STFUT-RETRAITE-473\"", await api.StFut.GetStringAsync("/niveaux"));
        var page = await api.StFut.GetStringAsync("/catalogue");
        Assert.Contains("retirée le", page);
        Assert.DoesNotContain("/api/v1/beers/STFUT-RETRAITE-473/retirement", page);
        Assert.Contains("/api/v1/beers/STFUT-EPAULE-473/retirement", page);
        Assert.DoesNotContain("/api/v1/beers/AUBE-IPA-473/retirement", page); // another brewery's: no button
    }
}
