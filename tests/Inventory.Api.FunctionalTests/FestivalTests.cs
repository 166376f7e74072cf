namespace Inventory.Api.FunctionalTests;

public sealed class FestivalTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    private async Task CreateFestivalAsync(string code, string startsOn, string endsOn, int attendance = 2000, params string[] kiosks)
    {
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals", new
        {
            code, name = $"Festif {code}", site = "Parc portuaire", region = "Mauricie", startsOn, endsOn, expectedAttendance = attendance,
            breweries = new[] { "saint-fut", "aube" },
        }));
        foreach (var kiosk in kiosks)
            await InventoryApi.Created(api.Lead.PostAsJsonAsync($"/api/v1/festivals/{code}/kiosks", new { code = kiosk, name = $"Kiosque {kiosk}" }));
    }

    private async Task<HttpResponseMessage> SaleAsync(string device, long seq, string sku, int units)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/device-reports/sales")
        {
            // On the festival's Saturday afternoon (Québec, EDT): the planner's assignment places the device then.
            Content = JsonContent.Create(new { deviceId = device, seq, ts = new DateTimeOffset(2026, 8, 8, 15, 0, 0, TimeSpan.FromHours(-4)).AddMinutes(seq), saleId = $"{device}-{seq}", lines = new[] { new { sku, units, unitPriceCents = 900 } } }),
        };
        request.Headers.Add("Idempotency-Key", $"{device}:{seq}");
        return await api.Gateway.SendAsync(request);
    }

    [Fact]
    public async Task The_list_gives_each_festival_its_own_kiosks_and_allocation_newest_first()
    {
        await CreateFestivalAsync("liste-ete", "2031-07-01", "2031-07-03", 1000, "nord", "sud");
        await CreateFestivalAsync("liste-hiver", "2031-12-01", "2031-12-02", 500, "centre");
        (await api.Lead.PutAsJsonAsync("/api/v1/festivals/liste-ete/allocation", new[] { new { kiosk = "sud", sku = "STFUT-EPAULE-473", parUnits = 30 } })).EnsureSuccessStatusCode();

        var listed = (await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/festivals"))!
            .Where(f => f.GetProperty("code").GetString()!.StartsWith("liste-", StringComparison.Ordinal)).ToList();

        Assert.Equal(["liste-hiver", "liste-ete"], listed.Select(f => f.GetProperty("code").GetString()));
        string[] Kiosks(JsonElement f) => f.GetProperty("kiosks").EnumerateArray().Select(k => k.GetProperty("code").GetString()!).ToArray();
        Assert.Equal(["centre"], Kiosks(listed[0]));
        Assert.Equal(["nord", "sud"], Kiosks(listed[1]));
        Assert.Empty(listed[0].GetProperty("allocation").EnumerateArray());
        Assert.Equal("sud", listed[1].GetProperty("allocation").EnumerateArray().Single().GetProperty("kiosk").GetString());
        Assert.All(listed, f => Assert.Equal(["aube", "saint-fut"], f.GetProperty("breweries").EnumerateArray().Select(b => b.GetString())));
        // The list and the festival alone say the same.
        var alone = await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/festivals/liste-ete");
        Assert.Equal(alone.GetRawText(), listed[1].GetRawText());
    }

    [Fact]
    public async Task A_festival_is_planned_stocked_sold_and_reconciled_end_to_end()
    {
        await CreateFestivalAsync("festif-2026", "2026-08-07", "2026-08-09", 2000, "k1", "k2");
        await api.Lead.PutAsJsonAsync("/api/v1/devices/kiosk-fest-e2e-1", new { kind = "kiosk" });
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals/festif-2026/kiosks/k1/devices", new { deviceId = "kiosk-fest-e2e-1" }));

        // No history: the baseline (0.6 units per attendee = 1,200) split evenly, 600 per brewery, then per SKU, then per kiosk.
        var suggested = (await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/festivals/festif-2026/allocation/suggested"))!;
        Assert.Equal(1200, suggested.Sum(s => s.GetProperty("parUnits").GetInt32()));
        Assert.Equal(600, suggested.Where(s => s.GetProperty("sku").GetString()!.StartsWith("AUBE", StringComparison.Ordinal)).Sum(s => s.GetProperty("parUnits").GetInt32()));
        Assert.All(suggested, s => Assert.StartsWith("no history", s.GetProperty("basis").GetString()));

        // The lead keeps a smaller plan; each brewery gets its pick list and delivers it.
        var plan = new[] { new { kiosk = "k1", sku = "STFUT-EPAULE-473", parUnits = 48 }, new { kiosk = "k2", sku = "STFUT-EPAULE-473", parUnits = 24 }, new { kiosk = "k1", sku = "AUBE-IPA-473", parUnits = 24 } };
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync("/api/v1/festivals/festif-2026/allocation", plan)).StatusCode);
        var stfutLists = (await api.StFut.GetFromJsonAsync<JsonElement[]>("/api/v1/festivals/festif-2026/pick-lists"))!;
        var mine = Assert.Single(stfutLists);
        Assert.Equal(("saint-fut", "2026-08-06"), (mine.GetProperty("brewery").GetString(), mine.GetProperty("deliverBy").GetString()));
        Assert.Equal([("k1", 48, 2), ("k2", 24, 1)], mine.GetProperty("lines").EnumerateArray().Select(l => (l.GetProperty("kiosk").GetString(), l.GetProperty("units").GetInt32(), l.GetProperty("cases").GetInt32())));
        await InventoryApi.Created(api.StFut.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku = "STFUT-EPAULE-473", units = 200, to = "stfut-brasserie" }));
        foreach (var line in mine.GetProperty("lines").EnumerateArray())
            await InventoryApi.Created(api.StFut.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = "STFUT-EPAULE-473", units = line.GetProperty("units").GetInt32(), from = "stfut-brasserie", to = line.GetProperty("location").GetString() }));

        // The event: kiosk 1's device sells 30 cans (reported through the gateway's endpoint). The planner's
        // assignment is where it stood: no second placement of the device is needed.
        for (var seq = 1; seq <= 10; seq++) Assert.Equal(HttpStatusCode.Created, (await SaleAsync("kiosk-fest-e2e-1", seq, "STFUT-EPAULE-473", 3)).StatusCode);

        // After: 12 cans go back from kiosk 1, 20 from kiosk 2; what is left is loss.
        var reconciliation = new { returns = new[] { new { kiosk = "k1", sku = "STFUT-EPAULE-473", units = 12, to = "stfut-brasserie" }, new { kiosk = "k2", sku = "STFUT-EPAULE-473", units = 20, to = "stfut-brasserie" } } };
        var result = await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals/festif-2026/reconciliation", reconciliation));
        var lines = (await result.Content.ReadFromJsonAsync<JsonElement[]>())!.ToDictionary(l => l.GetProperty("kiosk").GetString()!, l => l);
        Assert.Equal((48, 30, 12, 6), Numbers(lines["k1"]));
        Assert.Equal((24, 0, 20, 4), Numbers(lines["k2"]));
        var left = await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/stock?sku=STFUT-EPAULE-473&location=festif-2026-k1");
        Assert.Empty(left!);

        // Reconciling twice changes nothing.
        var again = await api.Lead.PostAsJsonAsync("/api/v1/festivals/festif-2026/reconciliation", reconciliation);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(6, (await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/movements?location=festif-2026-k1&kind=loss")).GetProperty("items")[0].GetProperty("units").GetInt32());

        // The next festival's suggestion learns from this one: 30 cans for 2,000 attendees at kiosk 1.
        await CreateFestivalAsync("festif-2027", "2027-08-06", "2027-08-08", 4000, "k1");
        var learned = await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/festivals/festif-2027/allocation/suggested");
        var epaule = learned!.Single(s => s.GetProperty("sku").GetString() == "STFUT-EPAULE-473");
        Assert.Equal(72, epaule.GetProperty("parUnits").GetInt32()); // 30 / 2000 × 4000 × 1.2
        Assert.StartsWith("history", epaule.GetProperty("basis").GetString());
    }

    private static (int, int, int, int) Numbers(JsonElement line) =>
        (line.GetProperty("sent").GetInt32(), line.GetProperty("sold").GetInt32(), line.GetProperty("returned").GetInt32(), line.GetProperty("loss").GetInt32());

    [Fact]
    public async Task A_device_cannot_stand_at_two_kiosks_over_overlapping_dates()
    {
        await CreateFestivalAsync("fest-a", "2026-06-20", "2026-06-22", 500, "k1");
        await CreateFestivalAsync("fest-b", "2026-06-22", "2026-06-24", 500, "k1");
        await CreateFestivalAsync("fest-c", "2026-06-25", "2026-06-26", 500, "k1");
        await api.Lead.PutAsJsonAsync("/api/v1/devices/kiosk-overlap-1", new { kind = "kiosk" });
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals/fest-a/kiosks/k1/devices", new { deviceId = "kiosk-overlap-1" }));

        var clash = await api.Lead.PostAsJsonAsync("/api/v1/festivals/fest-b/kiosks/k1/devices", new { deviceId = "kiosk-overlap-1" });
        var problem = await ProblemAssert.HasStatusAsync(clash, HttpStatusCode.Conflict, "deviceId");
        Assert.Contains("fest-a/k1", problem.GetProperty("detail").GetString());
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals/fest-c/kiosks/k1/devices", new { deviceId = "kiosk-overlap-1" }));
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/festivals/fest-c/kiosks/k1/devices", new { deviceId = "kiosk-nobody-9" }), HttpStatusCode.NotFound, "deviceId");
    }

    [Fact]
    public async Task Creating_a_festival_again_with_the_same_key_answers_the_first_creation_and_another_key_is_told_the_code_is_taken()
    {
        var body = new { code = "fest-twice", name = "Deux fois", site = "S", region = "R", startsOn = "2026-08-01", endsOn = "2026-08-02", expectedAttendance = 10, breweries = new[] { "aube" } };
        async Task<HttpResponseMessage> Post(string key)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/festivals") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", key);
            return await api.Lead.SendAsync(request);
        }
        // A double click, or a retry after the answer was lost on the festival's network: the first answer again.
        var first = await InventoryApi.Created(Post("form-render-1"));
        var again = await InventoryApi.Created(Post("form-render-1"));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        await ProblemAssert.HasStatusAsync(await Post("form-render-2"), HttpStatusCode.Conflict, "code");
        Assert.Single((await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/festivals"))!, f => f.GetProperty("code").GetString() == "fest-twice");
    }

    [Fact]
    public async Task Festivals_with_bad_dates_or_unknown_breweries_are_refused_and_brewers_cannot_plan()
    {
        var backwards = await api.Lead.PostAsJsonAsync("/api/v1/festivals", new { code = "fest-x", name = "X", site = "S", region = "R", startsOn = "2026-07-10", endsOn = "2026-07-09", expectedAttendance = 10, breweries = new[] { "aube" } });
        await ProblemAssert.HasStatusAsync(backwards, HttpStatusCode.BadRequest, "endsOn");
        var stranger = await api.Lead.PostAsJsonAsync("/api/v1/festivals", new { code = "fest-y", name = "Y", site = "S", region = "R", startsOn = "2026-07-10", endsOn = "2026-07-10", expectedAttendance = 10, breweries = new[] { "nope" } });
        await ProblemAssert.HasStatusAsync(stranger, HttpStatusCode.NotFound, "breweries[0]");
        Assert.Equal(HttpStatusCode.Forbidden, (await api.Aube.PostAsJsonAsync("/api/v1/festivals", new { code = "fest-z" })).StatusCode);
    }

    private static object Change(string name, string startsOn, string endsOn, int attendance = 2000) =>
        new { name, site = "Parc portuaire", region = "Mauricie", startsOn, endsOn, expectedAttendance = attendance };

    [Fact]
    public async Task The_lead_changes_a_festivals_dates_and_its_devices_move_with_them_unless_one_stands_elsewhere()
    {
        await CreateFestivalAsync("bouge-a", "2032-06-01", "2032-06-03", 1000, "k1");
        await CreateFestivalAsync("bouge-b", "2032-06-10", "2032-06-12", 1000, "k1");
        await api.Lead.PutAsJsonAsync("/api/v1/devices/kiosk-bouge-1", new { kind = "kiosk" });
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals/bouge-a/kiosks/k1/devices", new { deviceId = "kiosk-bouge-1" }));

        // bouge-a moves a week later, its device with it: the device is then busy on some of bouge-b's days.
        var moved = await api.Lead.PutAsJsonAsync("/api/v1/festivals/bouge-a", Change("Festif bouge A", "2032-06-09", "2032-06-11", 1500));
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var view = await moved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("2032-06-09", 1500), (view.GetProperty("startsOn").GetString(), view.GetProperty("expectedAttendance").GetInt32()));
        var conflict = await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/festivals/bouge-b/kiosks/k1/devices", new { deviceId = "kiosk-bouge-1" }), HttpStatusCode.Conflict);
        Assert.Contains("bouge-a", conflict.GetProperty("detail").GetString()); // where it stands now: on bouge-a's new days
        // bouge-b takes the device on its own days, then bouge-a may not move onto them.
        await api.Lead.PutAsJsonAsync("/api/v1/festivals/bouge-a", Change("Festif bouge A", "2032-06-01", "2032-06-03"));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals/bouge-b/kiosks/k1/devices", new { deviceId = "kiosk-bouge-1" }));
        var refused = await ProblemAssert.HasStatusAsync(await api.Lead.PutAsJsonAsync("/api/v1/festivals/bouge-a", Change("Festif bouge A", "2032-06-11", "2032-06-13")), HttpStatusCode.Conflict);
        Assert.Equal("startsOn", refused.GetProperty("field").GetString());
        Assert.Equal("2032-06-01", (await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/festivals/bouge-a")).GetProperty("startsOn").GetString()); // unchanged

        // Refusals by field, and only the lead.
        await ProblemAssert.HasStatusAsync(await api.Lead.PutAsJsonAsync("/api/v1/festivals/bouge-a", Change("", "2032-06-03", "2032-06-01")), HttpStatusCode.BadRequest, "endsOn");
        Assert.Equal(HttpStatusCode.Forbidden, (await api.StFut.PutAsJsonAsync("/api/v1/festivals/bouge-a", Change("Pris", "2032-06-01", "2032-06-03"))).StatusCode);
        await ProblemAssert.HasStatusAsync(await api.Lead.PutAsJsonAsync("/api/v1/festivals/nulle-part", Change("X", "2032-06-01", "2032-06-03")), HttpStatusCode.NotFound, "code");
    }

    [Fact]
    public async Task A_tour_keeps_its_stops_on_its_days()
    {
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals", new
        {
            code = "tournee-bouge", name = "Tournée", site = "Les brasseries", region = "Mauricie", startsOn = "2032-09-01", endsOn = "2032-09-05", expectedAttendance = 300,
            breweries = new[] { "saint-fut", "aube" }, kind = "tour",
        }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals/tournee-bouge/kiosks", new { code = "s4", name = "Arrêt 4", hostBrewery = "aube", on = "2032-09-04" }));
        var refused = await ProblemAssert.HasStatusAsync(await api.Lead.PutAsJsonAsync("/api/v1/festivals/tournee-bouge", Change("Tournée", "2032-09-01", "2032-09-03", 300)), (HttpStatusCode)422);
        Assert.Equal("endsOn", refused.GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync("/api/v1/festivals/tournee-bouge", Change("Tournée d'automne", "2032-09-02", "2032-09-04", 300))).StatusCode);
    }

    [Fact]
    public async Task A_festival_no_beer_went_to_is_cancelled_its_devices_freed_and_one_that_was_stocked_is_not()
    {
        await CreateFestivalAsync("annule-a", "2033-06-01", "2033-06-03", 1000, "k1");
        await CreateFestivalAsync("annule-b", "2033-06-02", "2033-06-04", 1000, "k1");
        await api.Lead.PutAsJsonAsync("/api/v1/devices/kiosk-annule-1", new { kind = "kiosk" });
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals/annule-a/kiosks/k1/devices", new { deviceId = "kiosk-annule-1" }));
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/festivals/annule-b/kiosks/k1/devices", new { deviceId = "kiosk-annule-1" }), HttpStatusCode.Conflict);

        Assert.Equal(HttpStatusCode.Forbidden, (await api.StFut.PostAsJsonAsync("/api/v1/festivals/annule-a/cancellation", new { reason = "non" })).StatusCode);
        var cancelled = await api.Lead.PostAsJsonAsync("/api/v1/festivals/annule-a/cancellation", new { reason = "Pluie annoncée" });
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        var view = (await cancelled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("cancelled");
        Assert.Equal(("lea", "Pluie annoncée"), (view.GetProperty("by").GetString(), view.GetProperty("reason").GetString()));
        // Its device is free for the other festival's overlapping days; the cancelled one takes no more changes.
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals/annule-b/kiosks/k1/devices", new { deviceId = "kiosk-annule-1" }));
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/festivals/annule-a/cancellation", new { }), HttpStatusCode.Conflict);
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/festivals/annule-a/kiosks", new { code = "k2", name = "Kiosque 2" }), HttpStatusCode.Conflict);
        await ProblemAssert.HasStatusAsync(await api.Lead.PutAsJsonAsync("/api/v1/festivals/annule-a", Change("X", "2033-06-01", "2033-06-03")), HttpStatusCode.Conflict);
        // Nothing was sold there: no statement to pay by, and the funder is not told it was served.
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsync("/api/v1/festivals/annule-a/statements", null), HttpStatusCode.Conflict);
        var report = await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/table/funder-report?from=2033-06-01&to=2033-06-30");
        var served = report.GetProperty("festivalsServed").EnumerateArray().Select(f => f.GetString()).ToList();
        Assert.Contains("annule-b", served);
        Assert.DoesNotContain("annule-a", served);

        // Beer went to annule-b's kiosk: it is reconciled, not cancelled.
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "count_adjustment", sku = "STFUT-EPAULE-473", units = 10, to = "annule-b-k1" }));
        var stocked = await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/festivals/annule-b/cancellation", new { }), HttpStatusCode.Conflict);
        Assert.Contains("reconcile", stocked.GetProperty("detail").GetString());
        Assert.Equal(JsonValueKind.Null, (await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/festivals/annule-b")).GetProperty("cancelled").ValueKind);
    }
}
