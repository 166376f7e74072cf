namespace Inventory.Api.FunctionalTests;

public sealed class TableTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    private static long Ns(DateTimeOffset t) => t.ToUnixTimeMilliseconds() * 1_000_000;

    [Fact]
    public async Task Only_members_are_offered_kiosk_places_and_the_history_stays()
    {
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/breweries", new { slug = "nouvelle-vague", name = "Nouvelle Vague", region = "Estrie", status = "candidate", since = "2026-01-10" }));
        var festival = new { code = "fest-members", name = "F", site = "S", region = "Estrie", startsOn = "2026-06-01", endsOn = "2026-06-02", expectedAttendance = 100, breweries = new[] { "aube", "nouvelle-vague" } };
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/festivals", festival), (HttpStatusCode)422, "breweries[1]");

        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PostAsJsonAsync("/api/v1/table/members/nouvelle-vague/status", new { status = "member", effectiveOn = "2026-05-01", decidedOn = "2026-04-20", note = "admise à l'AG" })).StatusCode);
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals", festival));
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PostAsJsonAsync("/api/v1/table/members/nouvelle-vague/status", new { status = "former", effectiveOn = "2026-09-01" })).StatusCode);

        var members = await api.StFut.GetFromJsonAsync<JsonElement[]>("/api/v1/table/members");
        var wave = members!.Single(m => m.GetProperty("brewery").GetString() == "nouvelle-vague");
        Assert.Equal("former", wave.GetProperty("status").GetString());
        Assert.Equal(["candidate", "member", "former"], wave.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/table/admission-rules", new { text = "Être une coopérative de travail membre du Réseau COOP.", adoptedOn = "2022-04-20" }));
        Assert.Single((await api.StFut.GetFromJsonAsync<JsonElement[]>("/api/v1/table/admission-rules"))!);
    }

    [Fact]
    public async Task A_fridges_figures_come_from_its_placements_its_sales_and_a_known_telemetry_history()
    {
        await api.Lead.PutAsJsonAsync("/api/v1/devices/fridge-asset-01", new { kind = "fridge", location = "frigo-coop-02", reportingIntervalSeconds = 3600 });
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/table/assets", new { serial = "FRG-2026-001", model = "True GDM-23", purchasedOn = "2026-03-01", costCents = 189_900, funding = "grant", deviceId = "fridge-asset-01" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/table/assets/FRG-2026-001/placements", new { location = "frigo-coop-02", from = "2026-03-05", to = "2026-03-14" }));
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/table/assets/FRG-2026-001/placements", new { location = "frigo-coop-01", from = "2026-03-10", to = "2026-03-12" }), HttpStatusCode.Conflict, "from");
        // Sold there while it stood there (and once after it left, which does not count).
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "count_adjustment", sku = "AUBE-IPA-473", units = 30, to = "frigo-coop-02", occurredAt = "2026-03-05T10:00:00Z" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "sale", sku = "AUBE-IPA-473", units = 12, from = "frigo-coop-02", occurredAt = "2026-03-08T18:00:00Z" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "sale", sku = "AUBE-IPA-473", units = 5, from = "frigo-coop-02", occurredAt = "2026-03-20T18:00:00Z" }));
        // One day of hourly readings, March 6 in Québec (EST): 18 in the 2-4 °C band, 4 lukewarm, 2 above 8 °C.
        var day = new DateTimeOffset(2026, 3, 6, 0, 0, 0, TimeSpan.FromHours(-5));
        var temps = Enumerable.Repeat(3.0, 18).Concat(Enumerable.Repeat(5.5, 4)).Concat(Enumerable.Repeat(9.0, 2)).ToArray();
        await api.Influx.WriteAsync(string.Join('\n', temps.Select((t, h) => $"fridge_reading,device=fridge-asset-01,kind=fridge temp_c={t},seq={h}i {Ns(day.AddHours(h))}")));

        var report = await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/table/funder-report?from=2026-03-01&to=2026-03-31");
        var placement = Assert.Single(report.GetProperty("placements").EnumerateArray());
        Assert.Equal(("FRG-2026-001", "frigo-coop-02", "2026-03-14"), (placement.GetProperty("serial").GetString(), placement.GetProperty("location").GetString(), placement.GetProperty("to").GetString()));
        var figures = await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/table/assets/FRG-2026-001/figures?from=2026-03-06&to=2026-03-06");
        Assert.Equal((1, 1), (figures.GetProperty("daysOwned").GetInt32(), figures.GetProperty("daysPlaced").GetInt32()));
        Assert.Equal((100.0m, 75.0m, 2.0m), (figures.GetProperty("reportingPercent").GetDecimal(), figures.GetProperty("inBandPercent").GetDecimal(), figures.GetProperty("hoursAbove8C").GetDecimal()));
        var month = await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/table/assets/FRG-2026-001/figures?from=2026-03-01&to=2026-03-31");
        Assert.Equal((31, 10, 12L), (month.GetProperty("daysOwned").GetInt32(), month.GetProperty("daysPlaced").GetInt32(), month.GetProperty("unitsSold").GetInt64()));
    }

    /// <summary>
    /// A bought fridge that moves: placed at the new place from the move's day, it stood at the old one until the day
    /// before. The old rule refused the move (its open placement overlapped), so the funder report could not show it.
    /// </summary>
    [Fact]
    public async Task A_bought_fridge_placed_elsewhere_from_a_day_stood_at_its_old_place_until_the_day_before()
    {
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/table/assets", new { serial = "FRG-2024-M", model = "M", purchasedOn = "2024-04-02", costCents = 120_000, funding = "grant" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/table/assets/FRG-2024-M/placements", new { location = "frigo-coop-01", from = "2024-04-05" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/table/assets/FRG-2024-M/placements", new { location = "frigo-coop-02", from = "2024-04-20", to = "2024-12-31" }));
        // Not before where it stands now began: that would rewrite its history.
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/table/assets/FRG-2024-M/placements", new { location = "frigo-coop-01", from = "2024-04-20" }), HttpStatusCode.Conflict, "from");

        var report = await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/table/funder-report?from=2024-04-01&to=2024-04-30");
        Assert.Equal([("frigo-coop-01", "2024-04-05", "2024-04-19"), ("frigo-coop-02", "2024-04-20", "2024-12-31")],
            report.GetProperty("placements").EnumerateArray().Where(p => p.GetProperty("serial").GetString() == "FRG-2024-M")
                .Select(p => (p.GetProperty("location").GetString(), p.GetProperty("from").GetString(), p.GetProperty("to").GetString())));
        Assert.Equal(1, report.GetProperty("fridgesPlaced").GetInt32());
    }

    [Fact]
    public async Task The_funder_reports_totals_are_the_sums_of_the_ledger_it_comes_from()
    {
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/table/assets", new { serial = "FRG-2025-A", model = "M", purchasedOn = "2025-05-02", costCents = 150_000, funding = "grant" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/table/assets", new { serial = "FRG-2025-B", model = "M", purchasedOn = "2025-05-03", costCents = 90_000, funding = "other" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "count_adjustment", sku = "STFUT-BLONDE-355", units = 100, to = "frigo-coop-01", occurredAt = "2025-05-10T10:00:00Z" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "sale", sku = "STFUT-BLONDE-355", units = 40, from = "frigo-coop-01", occurredAt = "2025-06-10T10:00:00Z" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "count_adjustment", sku = "AUBE-IPA-473", units = 100, to = "frigo-coop-02", occurredAt = "2025-05-10T10:00:00Z" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "sale", sku = "AUBE-IPA-473", units = 7, from = "frigo-coop-02", occurredAt = "2025-07-01T10:00:00Z" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "sale", sku = "AUBE-IPA-473", units = 3, from = "frigo-coop-02", occurredAt = "2026-02-01T10:00:00Z" })); // outside

        var report = await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/table/funder-report?from=2025-04-01&to=2025-12-31");
        Assert.Equal((2, 240_000L, 150_000L, 10_000_000L), (report.GetProperty("fridgesBought").GetInt32(), report.GetProperty("fridgesCostCents").GetInt64(),
            report.GetProperty("fridgesOnGrantCents").GetInt64(), report.GetProperty("grantCents").GetInt64()));
        Assert.Equal(47, report.GetProperty("unitsSold").GetInt64());
        Assert.Empty(report.GetProperty("placements").EnumerateArray());
        var byBrewery = report.GetProperty("sales").EnumerateArray().GroupBy(s => s.GetProperty("brewery").GetString()).ToDictionary(g => g.Key!, g => g.Sum(s => s.GetProperty("units").GetInt64()));
        Assert.Equal(new Dictionary<string, long> { ["aube"] = 7, ["saint-fut"] = 40 }, byBrewery);
        Assert.Equal(["aube", "saint-fut"], report.GetProperty("membersTakingPart").EnumerateArray().Select(m => m.GetString()));

        var csv = await api.Lead.GetStringAsync("/api/v1/table/funder-report?from=2025-04-01&to=2025-12-31&format=csv");
        Assert.StartsWith("canal,brasserie,region,unites,revenus_cents", csv);
        Assert.Equal(47, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Sum(l => long.Parse(l.Split(',')[3])));
        Assert.Equal(HttpStatusCode.Forbidden, (await api.StFut.GetAsync("/api/v1/table/funder-report?from=2025-04-01&to=2025-12-31")).StatusCode);
    }

    [Fact]
    public async Task A_festival_whose_kiosks_sold_in_the_period_is_served_and_the_printed_report_states_its_period()
    {
        // Planned for next year, but its kiosk already sold at a preview in the period: it was served.
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals", new
        {
            code = "preview-fest", name = "Festival en avant-première", site = "Quai", region = "Mauricie",
            startsOn = "2027-08-05", endsOn = "2027-08-08", expectedAttendance = 1000, breweries = new[] { "saint-fut" },
        }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals/preview-fest/kiosks", new { code = "k1", name = "Kiosque" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "count_adjustment", sku = "STFUT-EPAULE-473", units = 10, to = "preview-fest-k1", occurredAt = "2024-03-01T10:00:00Z" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "sale", sku = "STFUT-EPAULE-473", units = 4, from = "preview-fest-k1", occurredAt = "2024-03-02T10:00:00Z" }));

        var report = await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/table/funder-report?from=2024-03-01&to=2024-03-31");
        Assert.Equal(["preview-fest"], report.GetProperty("festivalsServed").EnumerateArray().Select(f => f.GetString()));
        var page = await api.Lead.GetStringAsync("/rapport?du=2024-03-01&au=2024-03-31");
        Assert.Contains("2024-03-01 – 2024-03-31", page); // repeated on every printed page
        Assert.Contains("du 2024-03-01 au 2024-03-31", page);
    }

    [Fact]
    public async Task A_brewery_that_was_a_member_in_the_middle_of_the_period_takes_part()
    {
        // Joins on 10 March 2023, leaves on 20 March: a member neither on the period's first day nor on its last.
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/breweries", new { slug = "passage", name = "Brasserie de passage", region = "Bas-Saint-Laurent", status = "candidate", since = "2023-01-05" }));
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PostAsJsonAsync("/api/v1/table/members/passage/status", new { status = "member", effectiveOn = "2023-03-10" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PostAsJsonAsync("/api/v1/table/members/passage/status", new { status = "former", effectiveOn = "2023-03-20" })).StatusCode);
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/beers", new { sku = "PASSAGE-ROUSSE-473", brewery = "passage", name = "Rousse", format = "can_473", unitsPerCase = 24 }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "count_adjustment", sku = "PASSAGE-ROUSSE-473", units = 10, to = "frigo-coop-01", occurredAt = "2023-03-11T15:00:00Z" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "sale", sku = "PASSAGE-ROUSSE-473", units = 6, from = "frigo-coop-01", occurredAt = "2023-03-15T15:00:00Z" }));

        var report = await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/table/funder-report?from=2023-03-01&to=2023-03-31");
        Assert.Contains("passage", report.GetProperty("membersTakingPart").EnumerateArray().Select(m => m.GetString()));
        var before = await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/table/funder-report?from=2023-03-01&to=2023-03-09");
        Assert.DoesNotContain("passage", before.GetProperty("membersTakingPart").EnumerateArray().Select(m => m.GetString()));
    }
}
