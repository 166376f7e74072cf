using System.Globalization;
using Inventory.Api.Money;

namespace Inventory.Api.FunctionalTests;

/// <summary>
/// A month's statements issued and frozen (docs/ledger.md, "Money"): what the venues paid by never changes; a sale that
/// arrives after is a numbered correction of what it changed, and each brewer reads only the issues with its own lines.
/// </summary>
public sealed class IssuedMonthStatementTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    private const string Blonde = "STFUT-BLONDE-355";
    private const string Ipa = "AUBE-IPA-473";
    private const string Fridge = "frigo-bar-emis";

    private async Task CountAsync(long seq, string at, int units)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/device-reports/stock-counts")
        {
            Content = JsonContent.Create(new { deviceId = "fridge-emis-01", seq, ts = DateTimeOffset.Parse(at, CultureInfo.InvariantCulture), items = new[] { new { sku = Blonde, units } } }),
        };
        request.Headers.Add("Idempotency-Key", $"fridge-emis-01:{seq}");
        await InventoryApi.Created(api.Gateway.SendAsync(request));
    }

    [Fact]
    public async Task An_issued_month_is_frozen_and_a_late_sale_makes_a_correction_that_only_its_brewery_reads()
    {
        // August: Saint-Fût's blonde sells 10 in a venue's fridge at 4.99 taxes included; Aube's IPA 24 in a grocery store.
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/locations", new { code = Fridge, name = "Bar de l'Émis", kind = "coop_fridge", region = "Estrie" }));
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync("/api/v1/devices/fridge-emis-01", new { kind = "fridge", location = Fridge, since = "2026-08-01T00:00:00Z" })).StatusCode);
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/prices", new { sku = Blonde, channel = "fridge", unitPriceCents = 499, validFrom = "2026-08-01" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku = Blonde, units = 24, to = "stfut-brasserie", occurredAt = "2026-08-10T11:00:00Z" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = Blonde, units = 24, from = "stfut-brasserie", to = Fridge, occurredAt = "2026-08-10T12:00:00Z" }));
        await CountAsync(1, "2026-08-10T20:00:00Z", 21);
        await CountAsync(2, "2026-08-20T20:00:00Z", 14);
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/locations", new { code = "epicerie-emis", name = "Épicerie de l'Émis", kind = "grocery_store", region = "Estrie" }));
        await InventoryApi.Created(api.Aube.PostAsJsonAsync("/api/v1/prices", new { sku = Ipa, channel = "grocery", unitPriceCents = 305, validFrom = "2026-08-01" }));
        await InventoryApi.Created(api.Aube.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku = Ipa, cases = 1, to = "aube-brasserie", occurredAt = "2026-08-14T12:00:00Z" }));
        await InventoryApi.Created(api.Aube.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = Ipa, cases = 1, from = "aube-brasserie", to = "epicerie-emis", occurredAt = "2026-08-14T13:00:00Z" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/grocery/sell-through", new { store = "epicerie-emis", weekEnding = "2026-08-23", lines = new[] { new { sku = Ipa, unitsSold = 24 } } }));

        // A month still running is not issued; a brewer issues nothing.
        var nextMonth = DateTime.UtcNow.AddMonths(1).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsync($"/api/v1/money/statements/{nextMonth}/issues", null), HttpStatusCode.Conflict, "month");
        Assert.Equal(HttpStatusCode.Forbidden, (await api.StFut.PostAsync("/api/v1/money/statements/2026-08/issues", null)).StatusCode);
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsync("/api/v1/money/statements/2026-8/issues", null), HttpStatusCode.BadRequest, "month");

        var first = await (await InventoryApi.Created(api.Lead.PostAsync("/api/v1/money/statements/2026-08/issues", null))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, first.GetProperty("number").GetInt32());
        var paidBy = first.GetProperty("statement").GetRawText();
        Assert.Equal(10, Line(first.GetProperty("statement"), Fridge).GetProperty("units").GetInt64());
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsync("/api/v1/money/statements/2026-08/issues", null), HttpStatusCode.Conflict);

        // Paid. Then the fridge's count of Monday 31 August at 22:30 in Québec (1 September in UTC) arrives: 2 more sold in August.
        await CountAsync(3, "2026-09-01T02:30:00Z", 12);
        var issues = (await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/money/statements/2026-08/issues"))!;
        Assert.Equal(paidBy, Assert.Single(issues).GetProperty("statement").GetRawText()); // never a silent change
        Assert.Equal(12, Line((await api.Lead.GetFromJsonAsync<JsonElement>("/api/v1/money/statements?month=2026-08"))!, Fridge).GetProperty("units").GetInt64());

        var second = await (await InventoryApi.Created(api.Lead.PostAsync("/api/v1/money/statements/2026-08/issues", null))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, second.GetProperty("number").GetInt32());
        var change = Assert.Single(second.GetProperty("correction").GetProperty("lines").EnumerateArray());
        // The line is 12 cans now, rounded as one line: its correction is what 12 came to less what 10 did.
        var (now, then) = (LineMoney.Of(12, 499, true, new TaxRates(5_000, 9_975), 10), LineMoney.Of(10, 499, true, new TaxRates(5_000, 9_975), 10));
        Assert.Equal((Fridge, 2L, now.NetCents - then.NetCents, now.GstCents - then.GstCents, now.QstCents - then.QstCents, 20L, 1_018L),
            (change.GetProperty("place").GetString(), change.GetProperty("units").GetInt64(), change.GetProperty("netCents").GetInt64(),
                change.GetProperty("gstCents").GetInt64(), change.GetProperty("qstCents").GetInt64(), change.GetProperty("depositCents").GetInt64(),
                change.GetProperty("totalCents").GetInt64()));
        var owed = Assert.Single(second.GetProperty("correction").GetProperty("places").EnumerateArray());
        Assert.Equal(("saint-fut", 1_018L), (owed.GetProperty("payee").GetString(), owed.GetProperty("totalCents").GetInt64()));

        // The correction's journal: one line, its own reference.
        var journal = await api.Lead.GetStringAsync("/api/v1/money/statements/2026-08/issues/2?format=csv");
        var rows = journal.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, rows.Length);
        Assert.StartsWith($"2026-08-31,REL-2026-08-{Fridge}-2,{Fridge},saint-fut,fridge,{Blonde},2,4.99,true,", rows[1]);
        Assert.EndsWith(",0.20,10.18", rows[1]);

        // Saint-Fût reads both issues, its lines only; Aube reads statement 1 with its own lines, and not the correction
        // (that one was issued at all would tell Aube that Saint-Fût sold late).
        var stFut = (await api.StFut.GetFromJsonAsync<JsonElement[]>("/api/v1/money/statements/2026-08/issues"))!;
        Assert.Equal([1, 2], stFut.Select(s => s.GetProperty("number").GetInt32()));
        Assert.All(stFut[0].GetProperty("statement").GetProperty("lines").EnumerateArray(), l => Assert.Equal("saint-fut", l.GetProperty("payee").GetString()));
        var aube = (await api.Aube.GetFromJsonAsync<JsonElement[]>("/api/v1/money/statements/2026-08/issues"))!;
        var aubeFirst = Assert.Single(aube);
        Assert.Equal(["aube"], aubeFirst.GetProperty("statement").GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("payee").GetString()).Distinct());
        Assert.Equal(["aube"], aubeFirst.GetProperty("statement").GetProperty("places").EnumerateArray().Select(l => l.GetProperty("payee").GetString()).Distinct());
        await ProblemAssert.HasStatusAsync(await api.Aube.GetAsync("/api/v1/money/statements/2026-08/issues/2"), HttpStatusCode.NotFound, "number");

        // The page: the lead sees both issues and may issue a correction; Aube sees its one issue and no form.
        var leadPage = await api.Lead.GetStringAsync("/releves?mois=2026-08");
        Assert.Contains("data-issue=\"1\"", leadPage);
        Assert.Contains("data-issue=\"2\"", leadPage);
        Assert.Contains("data-api=\"/api/v1/money/statements/2026-08/issues\"", leadPage);
        var aubePage = await api.Aube.GetStringAsync("/releves?mois=2026-08");
        Assert.Contains("data-issue=\"1\"", aubePage);
        Assert.DoesNotContain("data-issue=\"2\"", aubePage);
        Assert.DoesNotContain("/issues\" data-raw", aubePage);
        Assert.DoesNotContain("data-api=\"/api/v1/money/statements/", await api.Lead.GetStringAsync($"/releves?mois={nextMonth}")); // not over: nothing to issue
    }

    private static JsonElement Line(JsonElement statement, string place) =>
        Assert.Single(statement.GetProperty("lines").EnumerateArray(), l => l.GetProperty("place").GetString() == place);
}
