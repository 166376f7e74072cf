using Microsoft.Extensions.DependencyInjection;

namespace Inventory.Api.FunctionalTests;

/// <summary>Every input bounded, each refusal a 400/422 naming its field (issue 15), never a 500 or a giant page.</summary>
public sealed class InputBoundsTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    private async Task TourWithOneStopAsync(string code)
    {
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals", new
        {
            code, name = "Tournée bornée", site = "2 arrêts", region = "Québec", kind = "tour",
            startsOn = "2026-07-02", endsOn = "2026-08-20", expectedAttendance = 100, breweries = new[] { "saint-fut", "aube" },
        }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync($"/api/v1/festivals/{code}/kiosks", new { code = "arret-1", name = "Arrêt 1", hostBrewery = "saint-fut", on = "2026-07-04" }));
        var stop = (await api.Lead.GetFromJsonAsync<JsonElement>($"/api/v1/festivals/{code}")).GetProperty("kiosks")[0].GetProperty("location").GetString();
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku = "STFUT-EPAULE-473", units = 24, to = "stfut-brasserie" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = "STFUT-EPAULE-473", units = 24, from = "stfut-brasserie", to = stop }));
        // A host reports at the list's kiosk price; the tests of this class share one database, so the second finds it set.
        var price = await api.Lead.PostAsJsonAsync("/api/v1/prices", new { sku = "STFUT-EPAULE-473", channel = "kiosk", unitPriceCents = 800, validFrom = "2026-07-01", validTo = "2026-08-31" });
        Assert.True(price.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"kiosk price: {(int)price.StatusCode} {await price.Content.ReadAsStringAsync()}");
    }

    private static object Sales(string sku, long price) => new { lines = new[] { new { sku, units = 1, unitPriceCents = price } } };

    [Fact]
    public async Task A_stop_sells_only_what_was_sent_there_at_a_price_a_beer_can_have()
    {
        await TourWithOneStopAsync("tournee-bornes");
        var url = "/api/v1/festivals/tournee-bornes/kiosks/arret-1/sales";

        await ProblemAssert.HasStatusAsync(await api.StFut.PostAsJsonAsync(url, Sales("STFUT-BLONDE-355", 700)), HttpStatusCode.UnprocessableEntity, "lines[0].sku");
        await ProblemAssert.HasStatusAsync(await api.StFut.PostAsJsonAsync(url, Sales("STFUT-EPAULE-473", long.MaxValue / 4)), HttpStatusCode.BadRequest, "lines[0].unitPriceCents");
        await InventoryApi.Created(api.StFut.PostAsJsonAsync(url, Sales("STFUT-EPAULE-473", 800)));
        // The funder report still adds up (an absurd price would have overflowed every revenue sum after it).
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.GetAsync("/api/v1/table/funder-report?from=2026-01-01&to=2026-12-31")).StatusCode);
    }

    [Fact]
    public async Task A_key_a_brewer_chooses_lives_in_his_own_scope_so_the_leads_report_keeps_its_key()
    {
        await TourWithOneStopAsync("tournee-cles");
        var url = "/api/v1/festivals/tournee-cles/kiosks/arret-1/sales";
        // The host squats the key the lead's report of the stop uses by default ({festival}:{stop}).
        var squat = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(Sales("STFUT-EPAULE-473", 800)) };
        squat.Headers.Add("Idempotency-Key", "tournee-cles:arret-1");
        await InventoryApi.Created(api.StFut.SendAsync(squat));

        var lead = await api.Lead.PostAsJsonAsync(url, new { lines = new[] { new { sku = "STFUT-EPAULE-473", units = 2, unitPriceCents = 800 } } });

        Assert.Equal(HttpStatusCode.Created, lead.StatusCode);
    }

    [Fact]
    public async Task A_transfer_to_the_place_it_comes_from_is_a_400_naming_to()
    {
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku = "STFUT-EPAULE-473", units = 5, to = "stfut-brasserie" }));
        var same = await api.StFut.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = "STFUT-EPAULE-473", units = 1, from = "stfut-brasserie", to = "stfut-brasserie" });
        await ProblemAssert.HasStatusAsync(same, HttpStatusCode.BadRequest, "to");
    }

    [Fact]
    public async Task Names_and_styles_have_a_length_and_a_period_of_figures_a_limit()
    {
        var festival = await api.Lead.PostAsJsonAsync("/api/v1/festivals", new
        {
            code = "trop-long", name = new string('F', 10_000), site = "x", region = "Québec",
            startsOn = "2026-07-02", endsOn = "2026-07-03", expectedAttendance = 1, breweries = new[] { "saint-fut" },
        });
        await ProblemAssert.HasStatusAsync(festival, HttpStatusCode.BadRequest, "name");
        var beer = await api.Lead.PostAsJsonAsync("/api/v1/beers", new { sku = "STFUT-LONG-473", brewery = "saint-fut", name = "Longue", style = new string('s', 5_000), format = "can_473", unitsPerCase = 24 });
        await ProblemAssert.HasStatusAsync(beer, HttpStatusCode.BadRequest, "style");
        var location = await api.Lead.PostAsJsonAsync("/api/v1/locations", new { code = "loin", name = new string('L', 1_000), kind = "coop_fridge", region = "Québec" });
        await ProblemAssert.HasStatusAsync(location, HttpStatusCode.BadRequest, "name");

        var asset = await api.Lead.PostAsJsonAsync("/api/v1/table/assets", new { serial = "SN-LONG", model = new string('M', 500), purchasedOn = "2026-01-10", costCents = 100_000, funding = "grant" });
        await ProblemAssert.HasStatusAsync(asset, HttpStatusCode.BadRequest, "model");
        var note = await api.Lead.PostAsJsonAsync("/api/v1/table/members/aube/status", new { status = "member", effectiveOn = "2026-02-01", note = new string('n', 5_000) });
        await ProblemAssert.HasStatusAsync(note, HttpStatusCode.BadRequest, "note");

        var figures = await api.Lead.GetAsync("/api/v1/table/assets/any-serial/figures?from=1900-01-01&to=2026-01-01");
        await ProblemAssert.HasStatusAsync(figures, HttpStatusCode.BadRequest, "from");
    }
}
