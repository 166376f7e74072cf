namespace Inventory.Api.FunctionalTests;

/// <summary>Who owes whom after a festival, from the ledger's kiosk sales and the agreed kiosk fee.</summary>
public sealed class FestivalSettlementTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    [Fact]
    public async Task The_table_pays_each_brewery_its_kiosk_takings_less_the_fee_and_each_brewer_sees_its_own_statement()
    {
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals", new
        {
            code = "settle-fest", name = "Festival à régler", site = "Parc", region = "Mauricie", startsOn = "2026-07-10", endsOn = "2026-07-11",
            expectedAttendance = 500, breweries = new[] { "saint-fut", "aube" }, kioskFeeBasisPoints = 1500,
        }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals/settle-fest/kiosks", new { code = "k1", name = "Kiosque" }));
        foreach (var sku in new[] { "STFUT-EPAULE-473", "AUBE-IPA-473" })
            await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "count_adjustment", sku, units = 50, to = "settle-fest-k1" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals/settle-fest/kiosks/k1/sales", new
        {
            lines = new[] { new { sku = "STFUT-EPAULE-473", units = 20, unitPriceCents = 850 }, new { sku = "AUBE-IPA-473", units = 15, unitPriceCents = 800 } },
        }));

        var settlement = await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/festivals/settle-fest/settlement");
        var byParty = settlement.GetProperty("statements").EnumerateArray().ToDictionary(s => s.GetProperty("party").GetString()!);
        Assert.Equal((17_000L, 2_550L, 14_450L), (byParty["saint-fut"].GetProperty("revenueCents").GetInt64(), byParty["saint-fut"].GetProperty("feeCents").GetInt64(), byParty["saint-fut"].GetProperty("balanceCents").GetInt64()));
        Assert.Equal((12_000L, 1_800L, 10_200L), (byParty["aube"].GetProperty("revenueCents").GetInt64(), byParty["aube"].GetProperty("feeCents").GetInt64(), byParty["aube"].GetProperty("balanceCents").GetInt64()));
        Assert.Equal((29_000L, -24_650L), (byParty["table"].GetProperty("collectedCents").GetInt64(), byParty["table"].GetProperty("balanceCents").GetInt64()));
        Assert.Equal(["table→aube 10200", "table→saint-fut 14450"], settlement.GetProperty("transfers").EnumerateArray()
            .Select(t => $"{t.GetProperty("from").GetString()}→{t.GetProperty("to").GetString()} {t.GetProperty("cents").GetInt64()}").Order());

        // Aube's brewer reads Aube's statement and the transfer it receives; Saint-Fût's figures stay Saint-Fût's.
        var aube = await api.Aube.GetFromJsonAsync<JsonElement>("/api/v1/festivals/settle-fest/settlement");
        Assert.Equal(["aube"], aube.GetProperty("statements").EnumerateArray().Select(s => s.GetProperty("party").GetString()));
        Assert.Equal(["aube"], aube.GetProperty("transfers").EnumerateArray().Select(t => t.GetProperty("to").GetString()));

        // The printable statements: the brewer gets its own page only.
        var aubePage = await api.Aube.GetStringAsync("/festivals/settle-fest/reglement");
        Assert.Contains("data-party=\"aube\"", aubePage);
        Assert.DoesNotContain("data-party=\"saint-fut\"", aubePage);
        Assert.Contains("data-party=\"table\"", await api.Lead.GetStringAsync("/festivals/settle-fest/reglement"));

        var csv = await api.Lead.GetStringAsync("/api/v1/festivals/settle-fest/settlement?format=csv");
        Assert.StartsWith("festival,partie,unites,ventes_cents,frais_kiosque_cents,du_cents,encaisse_cents,solde_cents\r\n", csv);
        Assert.Contains("settle-fest,saint-fut,20,17000,2550,14450,0,14450\r\n", csv);
    }

    [Fact]
    public async Task A_kiosk_fee_outside_zero_to_ten_thousand_basis_points_is_refused_by_name() =>
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/festivals", new
        {
            code = "fee-fest", name = "Frais", site = "Parc", region = "Mauricie", startsOn = "2026-07-10", endsOn = "2026-07-11",
            expectedAttendance = 500, breweries = new[] { "saint-fut" }, kioskFeeBasisPoints = 10_001,
        }), HttpStatusCode.BadRequest, "kioskFeeBasisPoints");
}
