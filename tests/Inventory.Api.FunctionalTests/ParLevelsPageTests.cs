namespace Inventory.Api.FunctionalTests;

/// <summary>Par levels on the phone (<c>/niveaux</c>, <c>GET /api/v1/par-levels</c>): a brewer reads and sets its own beers' only.</summary>
public sealed class ParLevelsPageTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    [Fact]
    public async Task A_brewer_reads_and_sets_the_par_levels_of_its_own_beers_only()
    {
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/locations", new { code = "frigo-niveaux", name = "Frigo des niveaux", kind = "coop_fridge", region = "Estrie" }));
        Assert.Equal(HttpStatusCode.OK, (await api.StFut.PutAsJsonAsync("/api/v1/par-levels", new { sku = "STFUT-EPAULE-473", location = "frigo-niveaux", parUnits = 18 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.Aube.PutAsJsonAsync("/api/v1/par-levels", new { sku = "AUBE-IPA-473", location = "frigo-niveaux", parUnits = 30 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.Aube.PutAsJsonAsync("/api/v1/par-levels", new { sku = "STFUT-EPAULE-473", location = "frigo-niveaux", parUnits = 0 })).StatusCode);

        // Another brewery's par level is its plan: Saint-Fût reads its own only, the lead both.
        var stFut = (await api.StFut.GetFromJsonAsync<JsonElement[]>("/api/v1/par-levels"))!;
        Assert.Equal([("frigo-niveaux", "STFUT-EPAULE-473", 18)], stFut.Where(l => l.GetProperty("location").GetString() == "frigo-niveaux")
            .Select(l => (l.GetProperty("location").GetString(), l.GetProperty("sku").GetString(), l.GetProperty("parUnits").GetInt32())));
        Assert.DoesNotContain(stFut, l => l.GetProperty("sku").GetString()!.StartsWith("AUBE-", StringComparison.Ordinal));
        var lead = (await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/par-levels"))!;
        Assert.Equal(2, lead.Count(l => l.GetProperty("location").GetString() == "frigo-niveaux"));

        var page = await api.StFut.GetStringAsync("/niveaux");
        Assert.Contains("data-level=\"frigo-niveaux/STFUT-EPAULE-473\"", page);
        Assert.DoesNotContain("AUBE-IPA-473", page);
        Assert.Contains("<option value=\"frigo-niveaux\">", page);
        Assert.Contains("data-api=\"/api/v1/par-levels\" data-method=\"PUT\"", page);
    }
}
