using System.Globalization;

namespace Inventory.Api.FunctionalTests;

/// <summary>
/// A COOP fridge without counting hardware (docs/ledger.md, "A shelf counted by hand"): the person restocking counts
/// the shelf on the phone; what is gone since the count before is sold, the broken cans taken out are a loss; a brewer's
/// count covers its own beers only and changes nothing of the others'; the lead's covers every beer; a count arriving
/// late re-derives, in event time, beside a device's counts too.
/// </summary>
public sealed class ManualCountTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    private const string Blonde = "STFUT-BLONDE-355"; // Saint-Fût's
    private const string Ipa = "AUBE-IPA-473";        // Aube's

    private static DateTimeOffset At(string instant) => DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture);

    private async Task<string> FridgeAsync(string code, string at)
    {
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/locations", new { code, name = $"Frigo {code}", kind = "coop_fridge", region = "Estrie" }));
        foreach (var (sku, home) in new[] { (Blonde, "stfut-brasserie"), (Ipa, "aube-brasserie") })
        {
            await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku, units = 24, to = home, occurredAt = At(at).AddMinutes(-5) }));
            await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku, units = 24, from = home, to = code, occurredAt = At(at) }));
        }
        return code;
    }

    private static async Task<JsonElement> CountAsync(HttpClient who, string fridge, string at, params (string Sku, int Units, int Broken)[] lines)
    {
        var response = await InventoryApi.Created(who.PostAsJsonAsync("/api/v1/stock/counts",
            new { location = fridge, countedAt = At(at), lines = lines.Select(l => new { sku = l.Sku, units = l.Units, broken = l.Broken }) }));
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Units sold at the fridge per SKU, from the sale lines of the ledger's history.</summary>
    private async Task<Dictionary<string, int>> SoldAsync(string fridge)
    {
        var page = await api.Lead.GetFromJsonAsync<JsonElement>($"/api/v1/movements?location={fridge}&limit=500");
        var rows = page.GetProperty("items").EnumerateArray().ToList();
        return new[] { Blonde, Ipa }.ToDictionary(sku => sku, sku =>
            rows.Where(r => r.GetProperty("sku").GetString() == sku && r.GetProperty("kind").GetString() == "sale").Sum(r => r.GetProperty("units").GetInt32())
            - rows.Where(r => r.GetProperty("sku").GetString() == sku && r.GetProperty("kind").GetString() == "sale_reversal").Sum(r => r.GetProperty("units").GetInt32()));
    }

    private async Task<int> LevelAsync(string fridge, string sku) =>
        (await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/stock?location={fridge}"))!.Where(r => r.GetProperty("sku").GetString() == sku).Sum(r => r.GetProperty("units").GetInt32());

    [Fact]
    public async Task Each_brewer_counts_its_own_beer_and_what_is_gone_is_sold_the_broken_lost_and_a_late_count_re_derives()
    {
        var fridge = await FridgeAsync("frigo-main-01", "2026-09-07T14:00:00Z");

        // Saint-Fût's driver: 20 on the shelf and one broken can taken out: 3 sold, 1 lost, Aube's IPA untouched.
        var first = await CountAsync(api.StFut, fridge, "2026-09-08T14:00:00Z", (Blonde, 20, 1));
        Assert.True(first.GetProperty("listsOnly").GetBoolean());
        var line = Assert.Single(first.GetProperty("lines").EnumerateArray());
        Assert.Equal((Blonde, 23, 20, 3), (line.GetProperty("sku").GetString(), line.GetProperty("ledgerUnits").GetInt32(), line.GetProperty("countedUnits").GetInt32(), line.GetProperty("sold").GetInt32()));
        Assert.Equal(new Dictionary<string, int> { [Blonde] = 3, [Ipa] = 0 }, await SoldAsync(fridge));
        var loss = (await api.Lead.GetFromJsonAsync<JsonElement>($"/api/v1/movements?location={fridge}&kind=loss")).GetProperty("items").EnumerateArray().Single();
        Assert.Equal((1, "broken, taken out at a count by hand"), (loss.GetProperty("units").GetInt32(), loss.GetProperty("reason").GetString()));

        // Aube's counts its own on the 9th; Saint-Fût's again on the 11th.
        await CountAsync(api.Aube, fridge, "2026-09-09T14:00:00Z", (Ipa, 18, 0));
        await CountAsync(api.StFut, fridge, "2026-09-11T14:00:00Z", (Blonde, 15, 0));
        Assert.Equal(new Dictionary<string, int> { [Blonde] = 8, [Ipa] = 6 }, await SoldAsync(fridge));

        // A count on the 10th, typed in late (the phone was offline): the sales move to their days, the total stays.
        await CountAsync(api.StFut, fridge, "2026-09-10T14:00:00Z", (Blonde, 17, 0));
        Assert.Equal(new Dictionary<string, int> { [Blonde] = 8, [Ipa] = 6 }, await SoldAsync(fridge));
        var rows = (await api.Lead.GetFromJsonAsync<JsonElement>($"/api/v1/movements?location={fridge}&sku={Blonde}&limit=500")).GetProperty("items").EnumerateArray()
            .Where(r => r.GetProperty("kind").GetString() is "sale" or "sale_reversal").ToList();
        var byDay = rows.GroupBy(r => r.GetProperty("occurredAt").GetDateTimeOffset().UtcDateTime.Day)
            .ToDictionary(g => g.Key, g => g.Sum(r => (r.GetProperty("kind").GetString() == "sale" ? 1 : -1) * r.GetProperty("units").GetInt32()));
        Assert.Equal(new Dictionary<int, int> { [8] = 3, [10] = 3, [11] = 2 }, byDay);
        Assert.Equal((15, 18), (await LevelAsync(fridge, Blonde), await LevelAsync(fridge, Ipa)));
    }

    [Fact]
    public async Task The_leads_count_covers_every_beer_and_a_brewers_count_beside_a_devices_changes_nothing_of_the_others()
    {
        // The lead counts the whole shelf: a beer not listed is not there.
        var fridge = await FridgeAsync("frigo-main-02", "2026-09-07T14:00:00Z");
        var lead = await CountAsync(api.Lead, fridge, "2026-09-08T14:00:00Z", (Blonde, 22, 0));
        Assert.False(lead.GetProperty("listsOnly").GetBoolean());
        Assert.Equal(new Dictionary<string, int> { [Blonde] = 2, [Ipa] = 24 }, await SoldAsync(fridge));

        // A fridge whose device counts every beer each quarter hour, and Saint-Fût's driver counting its blonde between:
        // Aube's IPA is derived from the device's counts alone, however the counts arrive.
        var counted = await FridgeAsync("frigo-main-03", "2026-09-07T14:00:00Z");
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync("/api/v1/devices/fridge-main-03", new { kind = "fridge", location = counted, since = "2026-09-01T00:00:00Z" })).StatusCode);
        async Task Device(long seq, string at, int blonde, int ipa)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/device-reports/stock-counts")
            {
                Content = JsonContent.Create(new { deviceId = "fridge-main-03", seq, ts = At(at), items = new[] { new { sku = Blonde, units = blonde }, new { sku = Ipa, units = ipa } } }),
            };
            request.Headers.Add("Idempotency-Key", $"fridge-main-03:{seq}");
            await InventoryApi.Created(api.Gateway.SendAsync(request));
        }
        await Device(1, "2026-09-08T14:00:00Z", 24, 24);
        await Device(2, "2026-09-08T14:15:00Z", 23, 22);
        await Device(4, "2026-09-08T14:45:00Z", 20, 19);
        await CountAsync(api.StFut, counted, "2026-09-08T14:20:00Z", (Blonde, 23, 0)); // between two device counts, arriving after both
        await Device(3, "2026-09-08T14:30:00Z", 21, 20); // late too
        await Device(5, "2026-09-08T15:00:00Z", 20, 19);
        Assert.Equal(new Dictionary<string, int> { [Blonde] = 4, [Ipa] = 5 }, await SoldAsync(counted));
    }

    [Fact]
    public async Task A_count_of_another_brewerys_beer_or_of_a_kiosk_is_refused_naming_the_field()
    {
        var fridge = await FridgeAsync("frigo-main-04", "2026-09-07T14:00:00Z");
        await ProblemAssert.HasStatusAsync(await api.StFut.PostAsJsonAsync("/api/v1/stock/counts",
            new { location = fridge, lines = new[] { new { sku = Blonde, units = 20 }, new { sku = Ipa, units = 0 } } }), HttpStatusCode.Forbidden, "lines[1].sku");
        await ProblemAssert.HasStatusAsync(await api.StFut.PostAsJsonAsync("/api/v1/stock/counts",
            new { location = fridge, lines = new[] { new { sku = Blonde, units = 20 }, new { sku = Blonde, units = 19 } } }), HttpStatusCode.BadRequest, "lines[1].sku");
        await ProblemAssert.HasStatusAsync(await api.StFut.PostAsJsonAsync("/api/v1/stock/counts",
            new { location = "stfut-brasserie", lines = new[] { new { sku = Blonde, units = 20 } } }), HttpStatusCode.UnprocessableEntity, "location");
        await ProblemAssert.HasStatusAsync(await api.StFut.PostAsJsonAsync("/api/v1/stock/counts",
            new { location = fridge, lines = new[] { new { sku = Blonde, units = -1 } } }), HttpStatusCode.BadRequest, "lines[0].units");
        // More broken than the shelf holds is a 409: a can must be there to be taken out.
        await ProblemAssert.HasStatusAsync(await api.StFut.PostAsJsonAsync("/api/v1/stock/counts",
            new { location = fridge, lines = new[] { new { sku = Blonde, units = 0, broken = 30 } } }), HttpStatusCode.Conflict, "lines[0].broken");
        Assert.Equal(new Dictionary<string, int> { [Blonde] = 0, [Ipa] = 0 }, await SoldAsync(fridge)); // nothing of the refused counts stayed
    }
}
