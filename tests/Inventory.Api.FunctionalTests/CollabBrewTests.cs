namespace Inventory.Api.FunctionalTests;

public sealed class CollabBrewTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    private async Task CreateAsync(string code, bool withAube = true)
    {
        var partners = new List<object>
        {
            new { key = "saint-fut", name = "Saint-Fût", role = "co_brewer", brewery = "saint-fut", takes = "beer", location = "stfut-brasserie" },
            new { key = "atab", name = "ATAB", role = "ingredient_supplier", takes = "beer", location = "frigo-coop-01" },
            new { key = "coup-dgriffe", name = "Coup d'griffe", role = "designer", takes = "cash" },
        };
        if (withAube) partners.Add(new { key = "aube", name = "Aube", role = "co_brewer", brewery = "aube", takes = "beer", location = "aube-brasserie" });
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/collab-brews", new
        {
            code, name = "L'épaule à la roue", hostBrewery = "saint-fut", hostLocation = "stfut-brasserie", brewDate = "2026-07-02",
            plannedVolumeLitres = 1000, agreement = "proportional", partners,
            recipe = new[] { new { kind = "fruit", name = "camerises", quantity = 40, unit = "kg", suppliedBy = "atab" } },
        }));
        async Task Contribute(object body) => await InventoryApi.Created(api.Lead.PostAsJsonAsync($"/api/v1/collab-brews/{code}/contributions", body));
        await Contribute(new { partner = "saint-fut", kind = "host_fee", description = "brasserie et cuves", cents = 120_000 });
        await Contribute(new { partner = "saint-fut", kind = "ingredient", description = "malt pâle", quantity = 180, unit = "kg", unitCostCents = 185 });
        await Contribute(new { partner = "atab", kind = "ingredient", description = "camerises", quantity = 40, unit = "kg", unitCostCents = 1_450 });
        await Contribute(new { partner = "coup-dgriffe", kind = "design", description = "étiquette", cents = 80_000 });
        if (withAube) await Contribute(new { partner = "aube", kind = "labour", description = "brassage", hours = 6, rateCents = 3_200 });
    }

    private async Task MoveAsync(string code, params string[] statuses)
    {
        foreach (var status in statuses)
            Assert.Equal(HttpStatusCode.OK, (await api.Lead.PostAsJsonAsync($"/api/v1/collab-brews/{code}/status", new { status })).StatusCode);
    }

    /// <summary>A packaging run whose SKUs belong to this brew alone (the tests of this class share a database).</summary>
    private static object Run(string code, decimal canLitres = 600) => new
    {
        brewedLitres = 980,
        lines = new[] { new { sku = Can(code), format = "can_473", litres = canLitres }, new { sku = Keg(code), format = "keg_30l", litres = 330m } },
    };

    private static string Can(string code) => code.ToUpperInvariant() + "-473";
    private static string Keg(string code) => code.ToUpperInvariant() + "-KEG30";

    private async Task<int> UnitsAsync(string sku, string location) =>
        (await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/stock?sku={sku}&location={location}"))!.Sum(r => r.GetProperty("units").GetInt32());

    [Fact]
    public async Task Packaging_posts_the_output_into_the_ledger_once_split_among_the_beer_takers()
    {
        await CreateAsync("epaule-2026");
        await MoveAsync("epaule-2026", "brewed", "fermenting");

        var posted = await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/collab-brews/epaule-2026/packaging", Run("epaule-2026")));
        var body = await posted.Content.ReadFromJsonAsync<JsonElement>();
        var split = body.GetProperty("split").EnumerateArray().ToList();

        int Share(string partner, string sku) => split.Where(a => a.GetProperty("partnerKey").GetString() == partner && a.GetProperty("sku").GetString() == sku).Sum(a => a.GetProperty("units").GetInt32());
        Assert.Equal(1268, new[] { "saint-fut", "atab", "aube" }.Sum(p => Share(p, Can("epaule-2026"))));
        // The host's part under the packaged SKU, ATAB's (not a member brewery) too, at its place; Aube's part is its own beer.
        Assert.Equal(Share("saint-fut", Can("epaule-2026")), await UnitsAsync(Can("epaule-2026"), "stfut-brasserie"));
        Assert.Equal(Share("atab", Can("epaule-2026")), await UnitsAsync(Can("epaule-2026"), "frigo-coop-01"));
        Assert.Equal(0, await UnitsAsync(Keg("epaule-2026"), "aube-brasserie"));
        Assert.Equal(Share("aube", Keg("epaule-2026")), await UnitsAsync(Keg("epaule-2026") + "-AUBE", "aube-brasserie"));

        // The same run again changes nothing and answers the same; another run is refused.
        var replay = await api.Lead.PostAsJsonAsync("/api/v1/collab-brews/epaule-2026/packaging", Run("epaule-2026"));
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(await posted.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        Assert.Equal(Share("atab", Can("epaule-2026")), await UnitsAsync(Can("epaule-2026"), "frigo-coop-01"));
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/collab-brews/epaule-2026/packaging", Run("epaule-2026", 500)), (HttpStatusCode)422);

        var brew = await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/collab-brews/epaule-2026");
        Assert.Equal("packaged", brew.GetProperty("status").GetString());

    }

    [Fact]
    public async Task A_partners_part_is_its_own_beer_whose_sales_are_its_own_and_no_other_brewerys_to_see()
    {
        await CreateAsync("epaule-owned");
        await MoveAsync("epaule-owned", "brewed", "fermenting");
        var split = (await (await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/collab-brews/epaule-owned/packaging", Run("epaule-owned"))))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("split").EnumerateArray().ToList();
        var aubeCans = split.Single(a => a.GetProperty("partnerKey").GetString() == "aube" && a.GetProperty("sku").GetString() == Can("epaule-owned")).GetProperty("units").GetInt32();
        var (hosts, aubes) = (Can("epaule-owned"), Can("epaule-owned") + "-AUBE");
        Assert.Equal("aube", (await api.Lead.GetFromJsonAsync<JsonElement>($"/api/v1/beers/{aubes}")).GetProperty("brewery").GetString());
        Assert.Equal(aubeCans, await UnitsAsync(aubes, "aube-brasserie"));
        // The brew's page tells each partner the SKU its part is its own beer under (what it prices and restocks).
        Assert.Contains($"{aubes} × {aubeCans}", await api.Aube.GetStringAsync("/brassins"));

        // Aube brings its cans to a COOP fridge and sells three: Aube's sales, as of any beer it brews.
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("America/Toronto")).DateTime).ToString("yyyy-MM-dd");
        async Task<long> UnitsSoldAsync(string brewery) => (await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/sales/revenue?from={today}&to={today}"))!
            .Where(r => r.GetProperty("brewery").GetString() == brewery).Sum(r => r.GetProperty("units").GetInt64());
        var (aubeBefore, hostBefore) = (await UnitsSoldAsync("aube"), await UnitsSoldAsync("saint-fut"));
        await InventoryApi.Created(api.Aube.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = aubes, units = 5, from = "aube-brasserie", to = "frigo-coop-01" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "sale", sku = aubes, units = 3, from = "frigo-coop-01" }));
        Assert.Equal((aubeBefore + 3, hostBefore), (await UnitsSoldAsync("aube"), await UnitsSoldAsync("saint-fut")));

        // Neither sees the other's part outside the shared places (what stands in a COOP fridge is there for all to see), nor
        // its sales, nor moves it.
        Assert.Empty((await api.StFut.GetFromJsonAsync<JsonElement[]>($"/api/v1/stock?sku={aubes}&location=aube-brasserie"))!);
        Assert.Empty((await api.Aube.GetFromJsonAsync<JsonElement[]>($"/api/v1/stock?sku={hosts}&location=stfut-brasserie"))!);
        Assert.NotEmpty((await api.Aube.GetFromJsonAsync<JsonElement[]>($"/api/v1/stock?sku={aubes}&location=aube-brasserie"))!);
        Assert.DoesNotContain((await api.StFut.GetFromJsonAsync<JsonElement[]>($"/api/v1/sales/revenue?from={today}&to={today}"))!, r => r.GetProperty("brewery").GetString() == "aube");
        await ProblemAssert.HasStatusAsync(await api.Aube.PostAsJsonAsync("/api/v1/movements",
            new { kind = "transfer", sku = hosts, units = 1, from = "frigo-coop-01", to = "aube-brasserie" }), HttpStatusCode.Forbidden);
        await ProblemAssert.HasStatusAsync(await api.StFut.PostAsJsonAsync("/api/v1/movements",
            new { kind = "transfer", sku = aubes, units = 1, from = "frigo-coop-01", to = "stfut-brasserie" }), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_settlement_balances_and_reimburses_the_designer_in_cash()
    {
        await CreateAsync("epaule-settle");
        await MoveAsync("epaule-settle", "brewed", "fermenting");
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/collab-brews/epaule-settle/packaging", Run("epaule-settle")));

        var settlement = (await api.StFut.GetFromJsonAsync<JsonElement>("/api/v1/collab-brews/epaule-settle/settlement")).GetProperty("settlement");

        var accounts = settlement.GetProperty("accounts").EnumerateArray().ToList();
        Assert.Equal(0, accounts.Sum(a => a.GetProperty("balanceCents").GetInt64()));
        Assert.Equal(120_000 + 33_300 + 58_000 + 80_000 + 19_200, settlement.GetProperty("totalCostCents").GetInt64());
        Assert.Equal(80_000, settlement.GetProperty("transfers").EnumerateArray().Where(t => t.GetProperty("to").GetString() == "coup-dgriffe").Sum(t => t.GetProperty("cents").GetInt64()));
    }

    [Fact]
    public async Task The_lifecycle_refuses_a_skipped_step_and_packaging_before_fermentation()
    {
        await CreateAsync("epaule-steps");
        var skip = await api.Lead.PostAsJsonAsync("/api/v1/collab-brews/epaule-steps/status", new { status = "released" });
        var problem = await ProblemAssert.HasStatusAsync(skip, HttpStatusCode.Conflict, "status");
        Assert.Contains("the next step is brewed", problem.GetProperty("detail").GetString());
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/collab-brews/epaule-steps/packaging", Run("epaule-steps")), HttpStatusCode.Conflict);
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/collab-brews/epaule-steps/status", new { status = "bottled" }), HttpStatusCode.BadRequest, "status");
    }

    [Fact]
    public async Task Bad_brews_and_contributions_are_400s_naming_the_field()
    {
        var noPartners = await api.Lead.PostAsJsonAsync("/api/v1/collab-brews", new { code = "x-1", name = "X", hostBrewery = "saint-fut", hostLocation = "stfut-brasserie", brewDate = "2026-07-01", plannedVolumeLitres = 100, agreement = "equal", partners = Array.Empty<object>() });
        await ProblemAssert.HasStatusAsync(noPartners, HttpStatusCode.BadRequest, "partners");
        var badShares = await api.Lead.PostAsJsonAsync("/api/v1/collab-brews", new
        {
            code = "x-2", name = "X", hostBrewery = "saint-fut", hostLocation = "stfut-brasserie", brewDate = "2026-07-01", plannedVolumeLitres = 100, agreement = "fixed",
            fixedSharesBasisPoints = new Dictionary<string, int> { ["aa"] = 6_000 },
            partners = new[] { new { key = "aa", name = "A", role = "co_brewer", takes = "beer", location = "stfut-brasserie" } },
        });
        await ProblemAssert.HasStatusAsync(badShares, HttpStatusCode.BadRequest, "fixedSharesBasisPoints");
        await CreateAsync("epaule-bad");
        var stranger = await api.Lead.PostAsJsonAsync("/api/v1/collab-brews/epaule-bad/contributions", new { partner = "nobody", kind = "cash", description = "x", cents = 5 });
        await ProblemAssert.HasStatusAsync(stranger, HttpStatusCode.BadRequest, "partner");
        var noRate = await api.Lead.PostAsJsonAsync("/api/v1/collab-brews/epaule-bad/contributions", new { partner = "atab", kind = "labour", description = "x", hours = 3 });
        await ProblemAssert.HasStatusAsync(noRate, HttpStatusCode.BadRequest, "rateCents");
    }

    [Fact]
    public async Task Brewers_read_the_brews_of_their_brewery_only_and_cannot_run_them()
    {
        await CreateAsync("epaule-private", withAube: false);
        Assert.Equal(HttpStatusCode.OK, (await api.StFut.GetAsync("/api/v1/collab-brews/epaule-private")).StatusCode);
        await ProblemAssert.HasStatusAsync(await api.Aube.GetAsync("/api/v1/collab-brews/epaule-private"), HttpStatusCode.NotFound);
        Assert.DoesNotContain((await api.Aube.GetFromJsonAsync<JsonElement[]>("/api/v1/collab-brews"))!, b => b.GetProperty("code").GetString() == "epaule-private");
        Assert.Equal(HttpStatusCode.Forbidden, (await api.StFut.PostAsJsonAsync("/api/v1/collab-brews/epaule-private/status", new { status = "brewed" })).StatusCode);
    }

    [Fact]
    public async Task A_contribution_after_packaging_is_refused_and_the_split_partners_took_stays()
    {
        await CreateAsync("epaule-closed");
        await MoveAsync("epaule-closed", "brewed", "fermenting");
        var posted = await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/collab-brews/epaule-closed/packaging", Run("epaule-closed")));
        var split = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("split").GetRawText();

        // A cost found after packaging would re-split what the partners already took: contributions closed then.
        var late = await api.Lead.PostAsJsonAsync("/api/v1/collab-brews/epaule-closed/contributions",
            new { partner = "atab", kind = "ingredient", description = "camerises oubliées", quantity = 10, unit = "kg", unitCostCents = 1_450 });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("closed at packaging", await late.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var brew = await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/collab-brews/epaule-closed");
        Assert.Equal(5, brew.GetProperty("contributions").GetArrayLength());
        var replay = await api.Lead.PostAsJsonAsync("/api/v1/collab-brews/epaule-closed/packaging", Run("epaule-closed"));
        Assert.Equal(split, (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("split").GetRawText());
    }
}
