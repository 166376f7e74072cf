namespace Inventory.Api.FunctionalTests;

/// <summary>
/// DESIGN rule 8, the visibility matrix of docs/security.md: brewer A (Saint-Fût) asks every read route and
/// page for brewery B's (Aube's) business — sales, revenue, discrepancies, movement details — and gets
/// none of it, while the lead sees it (so that each check could fail). Against the real PostgreSQL.
/// </summary>
public sealed class IsolationTests(IsolationTests.World api) : IClassFixture<IsolationTests.World>
{
    private const string AubeBeer = "AUBE-IPA-473";
    private const string Secret = "recette secrète d'Aube";

    /// <summary>The API with Aube's business in it, made once for the class.</summary>
    public sealed class World : InventoryApi
    {
        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            await SeedAubesBusinessAsync(this);
        }
    }

    private static async Task SeedAubesBusinessAsync(InventoryApi api)
    {
        // Aube's business at a shared COOP fridge and at a kiosk: a production, a transfer with a reason, a
        // kiosk sale, a shelf count that finds more than was delivered (a discrepancy: fewer would be sales,
        // a fridge's way of selling), and a festival with its results.
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku = AubeBeer, units = 100, to = "aube-brasserie", occurredAt = DateTimeOffset.UtcNow.AddMinutes(-20) }));
        await InventoryApi.Created(api.Aube.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = AubeBeer, units = 30, from = "aube-brasserie", to = "frigo-coop-01", reason = Secret, occurredAt = DateTimeOffset.UtcNow.AddMinutes(-10) }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals", new
        {
            code = "isolation-fest", name = "Festival isolé", site = "Parc", region = "Mauricie",
            startsOn = "2026-07-02", endsOn = "2026-07-03", expectedAttendance = 100, breweries = new[] { "saint-fut", "aube" },
        }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals/isolation-fest/kiosks", new { code = "k1", name = "Kiosque 1" }));
        var kiosk = (await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/festivals/isolation-fest")).GetProperty("kiosks")[0].GetProperty("location").GetString()!;
        await InventoryApi.Created(api.Aube.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = AubeBeer, units = 20, from = "aube-brasserie", to = kiosk }));
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync("/api/v1/devices/kiosk-isolation-01", new { kind = "kiosk", location = kiosk })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync("/api/v1/devices/fridge-isolation-01", new { kind = "fridge", location = "frigo-coop-01" })).StatusCode);
        await Report(api, "sales", new
        {
            deviceId = "kiosk-isolation-01", seq = 1, ts = DateTimeOffset.UtcNow.AddMinutes(-2), saleId = "iso-1", payment = "card",
            lines = new[] { new { sku = AubeBeer, units = 3, unitPriceCents = 850 } },
        }, "kiosk-isolation-01:1");
        var counted = DateTimeOffset.UtcNow.AddMinutes(-5);
        await Report(api, "stock-counts", new
        {
            deviceId = "fridge-isolation-01", seq = 1, ts = counted, items = new[] { new { sku = AubeBeer, units = 32 } },
        }, "fridge-isolation-01:1");
        // An hour later two are gone: sold, the fridge's way of selling (Aube's sales, Aube's business).
        var recounted = counted.AddMinutes(1);
        await Report(api, "stock-counts", new
        {
            deviceId = "fridge-isolation-01", seq = 2, ts = recounted, items = new[] { new { sku = AubeBeer, units = 30 } },
        }, "fridge-isolation-01:2");
        // The last count as the gateway writes it to InfluxDB, where the fridge page reads the shelf.
        await api.Influx.WriteAsync($"stock_count,device=fridge-isolation-01,kind=fridge,sku={AubeBeer} units=30i,seq=2i {recounted.ToUnixTimeMilliseconds() * 1_000_000}");
    }

    private static async Task Report(InventoryApi api, string kind, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/device-reports/{kind}") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        await InventoryApi.Created(api.Gateway.SendAsync(request));
    }

    /// <summary>Whether the answer of <paramref name="client"/> at <paramref name="url"/> mentions Aube's business.</summary>
    private static async Task<bool> ShowsAubeAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode}");
        var body = await response.Content.ReadAsStringAsync();
        return body.Contains(AubeBeer, StringComparison.Ordinal) || body.Contains("\"aube\"", StringComparison.Ordinal)
            || body.Contains(System.Net.WebUtility.HtmlEncode(Secret), StringComparison.Ordinal) || body.Contains(Secret, StringComparison.Ordinal);
    }

    public static TheoryData<string> BusinessRoutes => new()
    {
        "/api/v1/movements",
        "/api/v1/movements?location=frigo-coop-01",
        $"/api/v1/movements?sku={AubeBeer}",
        "/api/v1/stock/discrepancies",
        "/api/v1/grocery/performance",
        "/api/v1/festivals/isolation-fest/results",
        "/api/v1/festivals/isolation-fest/settlement",
        "/api/v1/sales/fridges",
        "/api/v1/sales/revenue",
        "/stock",
        "/epicerie",
    };

    [Theory]
    [MemberData(nameof(BusinessRoutes))]
    public async Task A_brewer_never_sees_another_brewerys_sales_discrepancies_or_movement_details(string url)
    {
        Assert.False(await ShowsAubeAsync(api.StFut, url), $"Saint-Fût's brewer sees Aube's business at {url}");
        if (url is not "/api/v1/grocery/performance" and not "/epicerie") // Aube has no grocery placement here
            Assert.True(await ShowsAubeAsync(api.Lead, url), $"the lead should see Aube's business at {url}");
    }

    [Fact]
    public async Task The_fridge_page_shows_what_stands_on_the_shelf_but_another_brewerys_gap_only_to_the_lead()
    {
        static async Task<string> GapOf(HttpClient client)
        {
            var html = await client.GetStringAsync("/frigos/fridge-isolation-01");
            var row = System.Text.RegularExpressions.Regex.Match(html, $"<tr><td>[^<]*{AubeBeer}.*?</tr>", System.Text.RegularExpressions.RegexOptions.Singleline).Value;
            Assert.NotEmpty(row);
            return row;
        }

        // The counts set the ledger to 30 (30 sent, 2 found, 2 sold): the page compares the ledger now with the last count.
        Assert.Contains("<td>30</td><td>30</td>", await GapOf(api.Lead));
        Assert.Contains(">0<", await GapOf(api.Lead));
        var brewer = await GapOf(api.StFut);
        Assert.Contains("<td>30</td><td>30</td>", brewer); // what stands on the shelf
        Assert.DoesNotContain(">0<", brewer);              // but not Aube's gap
    }

    [Fact]
    public async Task A_brewer_sees_a_shared_places_levels_now_but_its_past_levels_of_its_own_beers_only()
    {
        // Now: the glass shelf, every brewery's cans. In the past: two dated reads a second apart would show Aube's sales.
        Assert.True(await ShowsAubeAsync(api.StFut, "/api/v1/stock?location=frigo-coop-01"));
        var asOf = Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O"));
        Assert.False(await ShowsAubeAsync(api.StFut, $"/api/v1/stock?location=frigo-coop-01&asOf={asOf}"));
        Assert.False(await ShowsAubeAsync(api.StFut, $"/api/v1/stock?sku={AubeBeer}&asOf={asOf}"));
        Assert.True(await ShowsAubeAsync(api.Lead, $"/api/v1/stock?location=frigo-coop-01&asOf={asOf}"));
        Assert.True(await ShowsAubeAsync(api.Aube, $"/api/v1/stock?location=frigo-coop-01&asOf={asOf}"));
    }

    [Fact]
    public async Task A_festivals_takings_are_the_leads_a_brewer_cannot_subtract_its_way_to_the_others()
    {
        var lead = await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/festivals/isolation-fest/settlement");
        Assert.Equal(JsonValueKind.Number, lead.GetProperty("takingsCents").ValueKind);
        var brewer = await api.StFut.GetFromJsonAsync<JsonElement>("/api/v1/festivals/isolation-fest/settlement");
        Assert.Equal(JsonValueKind.Null, brewer.GetProperty("takingsCents").ValueKind);
        Assert.DoesNotContain("Ventes aux kiosques", await api.StFut.GetStringAsync("/festivals/isolation-fest/reglement"));
        Assert.Contains("Ventes aux kiosques", await api.Lead.GetStringAsync("/festivals/isolation-fest/reglement"));
    }

    [Fact]
    public async Task A_brewers_suggested_allocation_holds_its_own_beers_only()
    {
        // Another brewery's suggested par is its past kiosk sales per attendee times the attendance: its sales history.
        Assert.True(await ShowsAubeAsync(api.Lead, "/api/v1/festivals/isolation-fest/allocation/suggested"));
        var mine = (await api.StFut.GetFromJsonAsync<JsonElement[]>("/api/v1/festivals/isolation-fest/allocation/suggested"))!;
        Assert.NotEmpty(mine);
        Assert.All(mine, s => Assert.StartsWith("STFUT-", s.GetProperty("sku").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_brewer_brings_beer_into_a_shared_place_by_transfer_never_from_nothing()
    {
        // A production (or a "found" adjustment) straight into a shared fridge would be phantom stock the next count books as sales.
        foreach (var kind in new[] { "production", "count_adjustment" })
            await ProblemAssert.HasStatusAsync(await api.StFut.PostAsJsonAsync("/api/v1/movements", new { kind, sku = "STFUT-EPAULE-473", units = 5, to = "frigo-coop-01" }),
                HttpStatusCode.Forbidden, "to");
        await InventoryApi.Created(api.StFut.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku = "STFUT-EPAULE-473", units = 5, to = "stfut-brasserie" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "count_adjustment", sku = "STFUT-EPAULE-473", units = 1, to = "frigo-coop-01" }));
    }

    [Fact]
    public async Task A_brewer_cannot_move_his_beer_into_another_brewerys_place()
    {
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku = "STFUT-EPAULE-473", units = 10, to = "stfut-brasserie" }));

        var intoAube = await api.StFut.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = "STFUT-EPAULE-473", units = 1, from = "stfut-brasserie", to = "aube-brasserie" });

        await ProblemAssert.HasStatusAsync(intoAube, HttpStatusCode.Forbidden);
        await InventoryApi.Created(api.StFut.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = "STFUT-EPAULE-473", units = 1, from = "stfut-brasserie", to = "frigo-coop-01" }));
    }
}
