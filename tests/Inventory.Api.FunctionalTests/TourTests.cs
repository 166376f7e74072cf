namespace Inventory.Api.FunctionalTests;

/// <summary>The microbrewery tour: planned, stocked, sold and reconciled with the festival code, stop by stop.</summary>
public sealed class TourTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    [Fact]
    public async Task A_tour_is_planned_stocked_sold_and_reconciled_end_to_end()
    {
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals", new
        {
            code = "tournee-2026", name = "Tournée des microbrasseries COOP", site = "6 arrêts", region = "Québec", kind = "tour",
            startsOn = "2026-07-02", endsOn = "2026-08-20", expectedAttendance = 1200, breweries = new[] { "saint-fut", "aube" },
        }));
        // Each stop at a member brewery, on a day of the tour; not outside it, not at a stranger.
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals/tournee-2026/kiosks", new { code = "arret-1", name = "Arrêt 1 — Saint-Fût", hostBrewery = "saint-fut", on = "2026-07-04" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals/tournee-2026/kiosks", new { code = "arret-2", name = "Arrêt 2 — Aube", hostBrewery = "aube", on = "2026-07-11" }));
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/festivals/tournee-2026/kiosks", new { code = "arret-x", name = "X", hostBrewery = "aube", on = "2026-09-01" }), HttpStatusCode.BadRequest, "on");

        // The COOP beer menu of each stop, and its pick lists.
        var menu = new[] { new { kiosk = "arret-1", sku = "AUBE-IPA-473", parUnits = 24 }, new { kiosk = "arret-1", sku = "STFUT-EPAULE-473", parUnits = 24 }, new { kiosk = "arret-2", sku = "STFUT-EPAULE-473", parUnits = 48 } };
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync("/api/v1/festivals/tournee-2026/allocation", menu)).StatusCode);
        var lists = (await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/festivals/tournee-2026/pick-lists"))!;
        Assert.Equal(["aube", "saint-fut"], lists.Select(l => l.GetProperty("brewery").GetString()));
        foreach (var list in lists)
            foreach (var line in list.GetProperty("lines").EnumerateArray())
            {
                var (sku, units, to) = (line.GetProperty("sku").GetString(), line.GetProperty("units").GetInt32(), line.GetProperty("location").GetString());
                var home = sku!.StartsWith("AUBE", StringComparison.Ordinal) ? "aube-brasserie" : "stfut-brasserie";
                await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku, units, to = home }));
                await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku, units, from = home, to }));
            }

        // The host of stop 2 reports its sales; it may not report another stop's. What it owes Saint-Fût is priced from the
        // list, not by the host, and it cannot report more than stood there.
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/prices", new { sku = "STFUT-EPAULE-473", channel = "kiosk", unitPriceCents = 800, validFrom = "2026-07-01", validTo = "2026-08-31" }));
        const string Stop2 = "/api/v1/festivals/tournee-2026/kiosks/arret-2/sales";
        await ProblemAssert.HasStatusAsync(await api.Aube.PostAsJsonAsync(Stop2, new { lines = new[] { new { sku = "STFUT-EPAULE-473", units = 40, unitPriceCents = 0 } } }),
            HttpStatusCode.UnprocessableEntity, "lines[0].unitPriceCents");
        await ProblemAssert.HasStatusAsync(await api.Aube.PostAsJsonAsync(Stop2, new { lines = new[] { new { sku = "STFUT-EPAULE-473", units = 49 } } }), HttpStatusCode.Conflict, "units");
        await InventoryApi.Created(api.Aube.PostAsJsonAsync(Stop2, new { lines = new[] { new { sku = "STFUT-EPAULE-473", units = 40 } } }));
        // Its report is once per stop, whatever key it sends: the same report again is the first answer, another is refused
        // (selling the same cans twice under two keys is the lead's to correct).
        var again = new HttpRequestMessage(HttpMethod.Post, Stop2) { Content = JsonContent.Create(new { lines = new[] { new { sku = "STFUT-EPAULE-473", units = 40 } } }) };
        again.Headers.Add("Idempotency-Key", "arret-2-encore");
        var replayed = await api.Aube.SendAsync(again);
        Assert.Equal((HttpStatusCode.Created, "true"), (replayed.StatusCode, replayed.Headers.GetValues("Idempotent-Replayed").Single()));
        var more = new HttpRequestMessage(HttpMethod.Post, Stop2) { Content = JsonContent.Create(new { lines = new[] { new { sku = "STFUT-EPAULE-473", units = 8 } } }) };
        more.Headers.Add("Idempotency-Key", "arret-2-suite");
        await ProblemAssert.HasStatusAsync(await api.Aube.SendAsync(more), HttpStatusCode.Conflict, "lines");
        Assert.Equal(HttpStatusCode.Forbidden, (await api.Aube.PostAsJsonAsync("/api/v1/festivals/tournee-2026/kiosks/arret-1/sales", new { lines = new[] { new { sku = "AUBE-IPA-473", units = 1 } } })).StatusCode);
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals/tournee-2026/kiosks/arret-1/sales", new { lines = new[] { new { sku = "AUBE-IPA-473", units = 20, unitPriceCents = 700 }, new { sku = "STFUT-EPAULE-473", units = 24, unitPriceCents = 800 } } }));

        // The same reconciliation as a festival: what is neither sold nor returned is lost.
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals/tournee-2026/reconciliation", new { returns = new[] { new { kiosk = "arret-2", sku = "STFUT-EPAULE-473", units = 6, to = "stfut-brasserie" } } }));
        var results = (await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/festivals/tournee-2026/results"))!;
        // A brewer reads his own brewery's rows only: the others' units and revenue are theirs (rule 8).
        var stFutRows = (await api.StFut.GetFromJsonAsync<JsonElement[]>("/api/v1/festivals/tournee-2026/results"))!;
        Assert.NotEmpty(stFutRows);
        Assert.All(stFutRows, r => Assert.Equal("saint-fut", r.GetProperty("brewery").GetString()));
        Assert.Contains(results, r => r.GetProperty("brewery").GetString() == "aube");
        var stop2 = results.Single(r => r.GetProperty("stop").GetString() == "arret-2");
        Assert.Equal(("aube", "2026-07-11", 48, 40, 6, 2, 32_000L), (stop2.GetProperty("hostBrewery").GetString(), stop2.GetProperty("on").GetString(),
            stop2.GetProperty("sent").GetInt32(), stop2.GetProperty("sold").GetInt32(), stop2.GetProperty("returned").GetInt32(), stop2.GetProperty("loss").GetInt32(), stop2.GetProperty("revenueCents").GetInt64()));
        var stop1Aube = results.Single(r => r.GetProperty("stop").GetString() == "arret-1" && r.GetProperty("brewery").GetString() == "aube");
        Assert.Equal((24, 20, 4), (stop1Aube.GetProperty("sent").GetInt32(), stop1Aube.GetProperty("sold").GetInt32(), stop1Aube.GetProperty("loss").GetInt32()));

        // The funder report counts the tour as its own channel and lists its stops.
        var report = await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/table/funder-report?from=2026-07-01&to=2026-07-31");
        Assert.Equal(["tournee-2026/arret-1", "tournee-2026/arret-2"], report.GetProperty("tourStopsServed").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(84, report.GetProperty("sales").EnumerateArray().Where(s => s.GetProperty("channel").GetString() == "tournee").Sum(s => s.GetProperty("units").GetInt64()));
    }
}
