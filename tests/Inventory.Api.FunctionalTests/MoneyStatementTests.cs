using System.Globalization;

namespace Inventory.Api.FunctionalTests;

/// <summary>
/// A month's statements through the API on the real database (docs/ledger.md, "Money"): the fridge venue and the grocery
/// store owe each brewery what they sold in the Québec month, with GST, QST and the deposit of each sale's day; a
/// brewer reads only what it is owed; the journal export adds up to the statement; the settings are the lead's.
/// </summary>
public sealed class MoneyStatementTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    private const string Blonde = "STFUT-BLONDE-355";
    private const string Ipa = "AUBE-IPA-473";

    private async Task CountAsync(string device, long seq, string at, int units)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/device-reports/stock-counts")
        {
            Content = JsonContent.Create(new { deviceId = device, seq, ts = DateTimeOffset.Parse(at, CultureInfo.InvariantCulture), items = new[] { new { sku = Blonde, units } } }),
        };
        request.Headers.Add("Idempotency-Key", $"{device}:{seq}");
        await InventoryApi.Created(api.Gateway.SendAsync(request));
    }

    [Fact]
    public async Task A_months_statement_owes_each_brewery_its_quebec_months_sales_with_the_taxes_and_deposit_of_each_day()
    {
        // A venue's fridge sells Saint-Fût's blonde at 4.99 taxes included; the deposit on a 355 ml can goes from 10 ¢ to
        // 25 ¢ on 16 September (a setting the lead dates).
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/locations", new { code = "frigo-bar-releve", name = "Bar du Relevé", kind = "coop_fridge", region = "Estrie" }));
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync("/api/v1/devices/fridge-releve-01", new { kind = "fridge", location = "frigo-bar-releve", since = "2026-09-01T00:00:00Z" })).StatusCode);
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/prices", new { sku = Blonde, channel = "fridge", unitPriceCents = 499, validFrom = "2026-09-01" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/money/settings", new { name = "deposit:can_355", value = 25, validFrom = "2026-09-16" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku = Blonde, units = 24, to = "stfut-brasserie", occurredAt = "2026-09-10T11:00:00Z" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = Blonde, units = 24, from = "stfut-brasserie", to = "frigo-bar-releve", occurredAt = "2026-09-10T12:00:00Z" }));
        await CountAsync("fridge-releve-01", 1, "2026-09-10T20:00:00Z", 21); // 3 sold at 10 ¢ deposits
        // Sold after the deposit went up: 5 on the 20th, and 2 on the evening of 30 September at 22:30 in Québec, which
        // is 1 October in UTC — the count arrives first, then the earlier one, out of order.
        await CountAsync("fridge-releve-01", 3, "2026-10-01T02:30:00Z", 14);
        await CountAsync("fridge-releve-01", 2, "2026-09-20T20:00:00Z", 16);

        // A grocery store buys Aube's IPA at 3.05 before taxes: 24 cans in the week ending Sunday 27 September.
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/locations", new { code = "epicerie-releve", name = "Épicerie coop du Relevé", kind = "grocery_store", region = "Estrie" }));
        await InventoryApi.Created(api.Aube.PostAsJsonAsync("/api/v1/prices", new { sku = Ipa, channel = "grocery", unitPriceCents = 305, validFrom = "2026-09-01" }));
        await InventoryApi.Created(api.Aube.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku = Ipa, cases = 1, to = "aube-brasserie", occurredAt = "2026-09-14T12:00:00Z" }));
        await InventoryApi.Created(api.Aube.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = Ipa, cases = 1, from = "aube-brasserie", to = "epicerie-releve", occurredAt = "2026-09-14T13:00:00Z" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/grocery/sell-through", new { store = "epicerie-releve", weekEnding = "2026-09-27", lines = new[] { new { sku = Ipa, unitsSold = 24 } } }));

        var september = (await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/money/statements?month=2026-09"))!;
        var lines = september.GetProperty("lines").EnumerateArray().ToList();
        var fridge = lines.Where(l => l.GetProperty("place").GetString() == "frigo-bar-releve").ToList();
        Assert.Equal(2, fridge.Count);
        // 3 × 4.99 = 14.97 paid: net 13.02, GST 0.65, QST 1.30, deposits 0.30.
        Assert.Equal((3L, 1302L, 65L, 130L, 30L, 1527L), Money(fridge[0]));
        // 7 × 4.99 = 34.93 paid: net 30.38, GST 1.52, QST 3.03, deposits 1.75.
        Assert.Equal((7L, 3038L, 152L, 303L, 175L, 3668L), Money(fridge[1]));
        var store = Assert.Single(lines, l => l.GetProperty("place").GetString() == "epicerie-releve");
        // 24 × 3.05 = 73.20 before taxes: GST 3.66, QST 7.3017 → 7.30, deposits 2.40 (10 ¢ on a 473 ml can).
        Assert.Equal((24L, 7320L, 366L, 730L, 240L, 8656L), Money(store));
        var places = september.GetProperty("places").EnumerateArray().ToDictionary(p => p.GetProperty("place").GetString()!);
        Assert.Equal(("saint-fut", 1527L + 3668L), (places["frigo-bar-releve"].GetProperty("payee").GetString(), places["frigo-bar-releve"].GetProperty("totalCents").GetInt64()));

        // October holds none of it: the 22:30 sale is September's in Québec.
        var october = (await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/money/statements?month=2026-10"))!;
        Assert.DoesNotContain(october.GetProperty("lines").EnumerateArray(), l => l.GetProperty("place").GetString() == "frigo-bar-releve");

        // Saint-Fût reads what it is owed and nothing of Aube's, not even a place total holding it.
        var stFut = (await api.StFut.GetFromJsonAsync<JsonElement>("/api/v1/money/statements?month=2026-09"))!;
        Assert.All(stFut.GetProperty("lines").EnumerateArray(), l => Assert.Equal("saint-fut", l.GetProperty("payee").GetString()));
        Assert.DoesNotContain(stFut.GetProperty("places").EnumerateArray(), p => p.GetProperty("place").GetString() == "epicerie-releve");
        Assert.Equal(["saint-fut"], stFut.GetProperty("payees").EnumerateArray().Select(p => p.GetProperty("payee").GetString()!));
        // The same on the page, in French money.
        var page = await api.StFut.GetStringAsync("/releves?mois=2026-09");
        Assert.Contains("<td>Bar du Relevé <span class=\"muted\">frigo-bar-releve</span></td><td>saint-fut</td><td>10 </td>", page);
        Assert.Contains("51,95", page); // 15,27 $ + 36,68 $ owed by the bar
        Assert.DoesNotContain("epicerie-releve", page);
        Assert.Contains("86,56", await api.Lead.GetStringAsync("/releves?mois=2026-09"));
        Assert.Contains("Ce mois n&#x27;existe pas", await api.Lead.GetStringAsync("/releves?mois=2026-13"));

        // The journal: one line per statement line, and its total is the statement's.
        var csv = await api.Lead.GetStringAsync("/api/v1/money/statements?month=2026-09&format=csv");
        var rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        Assert.Equal(lines.Count, rows.Count);
        Assert.Contains("2026-09-30,REL-2026-09-epicerie-releve,epicerie-releve,aube,grocery,AUBE-IPA-473,24,3.05,false,73.20,3.66,7.30,2.40,86.56", rows);
        Assert.Equal(september.GetProperty("payees").EnumerateArray().Sum(p => p.GetProperty("totalCents").GetInt64()) / 100m,
            rows.Sum(r => decimal.Parse(r.Split(',')[^1], CultureInfo.InvariantCulture)));

        // The month's revenue as each brewery books it: at the stated prices, and before taxes, each tax and the deposit —
        // the statements' own figures (the same lines, rounded once each), so the bar's taxes-included 49.90 $ is 43.40 $ of sales.
        var revenue = (await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/sales/revenue?from=2026-09-01&to=2026-09-30"))!
            .ToDictionary(r => (r.GetProperty("brewery").GetString()!, r.GetProperty("channel").GetString()!));
        Assert.Equal((10L, 4_990L, 1302L + 3038L, 65L + 152L, 130L + 303L, 30L + 175L), Revenue(revenue[("saint-fut", "fridge")]));
        Assert.Equal((24L, 7_320L, 7_320L, 366L, 730L, 240L), Revenue(revenue[("aube", "grocery")]));
        // The same on the phone's revenue page: Saint-Fût's own rows only.
        var sales = await api.StFut.GetStringAsync("/ventes?du=2026-09-01&au=2026-09-30");
        Assert.Contains("data-revenue=\"saint-fut/fridge\"", sales);
        Assert.Contains("43,40", sales);
        Assert.DoesNotContain("data-revenue=\"aube/", sales);
        Assert.Contains("data-revenue=\"aube/grocery\"", await api.Lead.GetStringAsync("/ventes?du=2026-09-01&au=2026-09-30"));
    }

    private static (long, long, long, long, long, long) Revenue(JsonElement row) => (row.GetProperty("units").GetInt64(), row.GetProperty("revenueCents").GetInt64(),
        row.GetProperty("netCents").GetInt64(), row.GetProperty("gstCents").GetInt64(), row.GetProperty("qstCents").GetInt64(), row.GetProperty("depositCents").GetInt64());

    private static (long, long, long, long, long, long) Money(JsonElement line) => (line.GetProperty("units").GetInt64(), line.GetProperty("netCents").GetInt64(),
        line.GetProperty("gstCents").GetInt64(), line.GetProperty("qstCents").GetInt64(), line.GetProperty("depositCents").GetInt64(), line.GetProperty("totalCents").GetInt64());

    [Fact]
    public async Task Settings_are_the_leads_dated_and_refused_by_field()
    {
        var settings = (await api.StFut.GetFromJsonAsync<JsonElement[]>("/api/v1/money/settings"))!;
        Assert.Contains(settings, s => s.GetProperty("name").GetString() == "qst" && s.GetProperty("value").GetInt64() == 9975);

        Assert.Equal(HttpStatusCode.Forbidden, (await api.StFut.PostAsJsonAsync("/api/v1/money/settings", new { name = "gst", value = 0, validFrom = "2027-01-01" })).StatusCode);
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/money/settings", new { name = "pst", value = 700, validFrom = "2027-01-01" }), HttpStatusCode.BadRequest, "name");
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/money/settings", new { name = "taxes-included:kiosk", value = 2, validFrom = "2027-01-01" }), HttpStatusCode.BadRequest, "value");
        await ProblemAssert.HasStatusAsync(await api.Lead.GetAsync("/api/v1/money/statements?month=2026-13"), HttpStatusCode.BadRequest, "month");
        await ProblemAssert.HasStatusAsync(await api.Lead.GetAsync("/api/v1/money/statements?month=9999-12"), HttpStatusCode.BadRequest, "month");
        Assert.Contains("Ce mois n&#x27;existe pas", await api.Lead.GetStringAsync("/releves?mois=9999-12"));

        // The GST changes on 1 July 2027: the rate in force ends on 30 June; a change dated before that one is refused.
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/money/settings", new { name = "gst", value = 6000, validFrom = "2027-07-01" }));
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/money/settings", new { name = "gst", value = 5500, validFrom = "2027-03-01" }), HttpStatusCode.Conflict, "validFrom");
        var gst = (await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/money/settings"))!.Where(s => s.GetProperty("name").GetString() == "gst").ToList();
        Assert.Equal(("2027-06-30", 6000L), (gst[0].GetProperty("validTo").GetString(), gst[1].GetProperty("value").GetInt64()));
    }
}
