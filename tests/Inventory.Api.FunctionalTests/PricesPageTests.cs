namespace Inventory.Api.FunctionalTests;

/// <summary>The price list on the phone (<c>/prix</c>): a brewer prices and ends its own beers' prices; the lead every beer's.</summary>
public sealed class PricesPageTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    [Fact]
    public async Task A_brewer_reads_and_changes_its_own_prices_only_and_the_lead_every_beers()
    {
        var price = await (await InventoryApi.Created(api.StFut.PostAsJsonAsync("/api/v1/prices",
            new { sku = "STFUT-EPAULE-473", channel = "kiosk", unitPriceCents = 925, validFrom = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(3)) }))).Content.ReadFromJsonAsync<JsonElement>();
        var id = price.GetProperty("id").GetInt64();

        var stFut = await api.StFut.GetStringAsync("/prix");
        Assert.Contains("<option value=\"STFUT-EPAULE-473\">", stFut);
        Assert.DoesNotContain("<option value=\"AUBE-IPA-473\">", stFut);
        Assert.Contains($"data-price=\"{id}\"", stFut); // a price to come is listed, with its end form
        Assert.Contains($"data-api=\"/api/v1/prices/{id}/end\"", stFut);
        Assert.Contains("9,25", stFut);

        var aube = await api.Aube.GetStringAsync("/prix");
        Assert.DoesNotContain($"data-price=\"{id}\"", aube);
        Assert.DoesNotContain("STFUT-EPAULE-473", aube);

        var lead = await api.Lead.GetStringAsync("/prix");
        Assert.Contains("<option value=\"STFUT-EPAULE-473\">", lead);
        Assert.Contains("<option value=\"AUBE-IPA-473\">", lead);
        Assert.Contains($"data-price=\"{id}\"", lead);
        var english = await (await (await api.SignedInAsync("lea")).GetAsync("/langue?l=en&retour=/prix")).Content.ReadAsStringAsync();
        Assert.Contains("Set the price", english);
        Assert.Contains("COOP fridge", english);
    }
}
