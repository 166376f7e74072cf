namespace Inventory.Api.FunctionalTests;

/// <summary>The catalogue on a page: a brewer adds its own brewery's beers; the lead adds breweries and places too.</summary>
public sealed class CataloguePageTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    [Fact]
    public async Task A_brewer_adds_its_own_beers_and_only_the_lead_has_the_breweries_and_places_forms()
    {
        var felix = await api.StFut.GetStringAsync("/catalogue");
        Assert.Contains("<form id=\"new-beer\"", felix);
        Assert.Contains("<input type=\"hidden\" name=\"brewery\" value=\"saint-fut\" />", felix); // its own brewery, not a choice
        Assert.DoesNotContain("id=\"new-brewery\"", felix);
        Assert.DoesNotContain("id=\"new-place\"", felix);

        // What the form posts: a beer of its own is added, another brewery's is refused.
        await InventoryApi.Created(api.StFut.PostAsJsonAsync("/api/v1/beers", new { sku = "STFUT-GOSE-355", brewery = "saint-fut", name = "Gose du Fût", format = "can_355", unitsPerCase = 24, abv = 4.2 }));
        Assert.Equal(HttpStatusCode.Forbidden, (await api.StFut.PostAsJsonAsync("/api/v1/beers", new { sku = "AUBE-GOSE-355", brewery = "aube", name = "Gose", format = "can_355", unitsPerCase = 24 })).StatusCode);
        Assert.Contains("data-sku=\"STFUT-GOSE-355\"", await api.StFut.GetStringAsync("/catalogue"));

        var lea = await api.Lead.GetStringAsync("/catalogue");
        Assert.Contains("id=\"new-brewery\"", lea);
        Assert.Contains("id=\"new-place\"", lea);
        Assert.Contains("<option value=\"coop_fridge\">frigo COOP</option>", lea);
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/locations", new { code = "frigo-page-cat", name = "Frigo COOP — Café de la page", kind = "coop_fridge", region = "Estrie" }));
        Assert.Contains("data-place=\"frigo-page-cat\"", await api.Lead.GetStringAsync("/catalogue"));
    }
}
