namespace Inventory.Api.FunctionalTests;

/// <summary>
/// A COOP fridge reports no sales: what its shelf counts say is gone was sold, recorded as sales of the
/// fridge channel at the price list's fridge price, once per count; what is there beyond the deliveries
/// is a discrepancy with its reason; an unknown SKU is recorded, never dropped.
/// </summary>
public sealed class FridgeSellThroughTests(ConcurrentInventoryApi api) : IClassFixture<ConcurrentInventoryApi>
{
    private const string Sku = "STFUT-BLONDE-355";

    private async Task<(string Device, string Location)> PlacedFridgeAsync()
    {
        var location = $"frigo-{Guid.NewGuid():N}"[..20];
        var device = $"fridge-{Guid.NewGuid():N}"[..20];
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/locations", new { code = location, name = $"Frigo {location}", kind = "coop_fridge", region = "Montérégie" }));
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync($"/api/v1/devices/{device}", new { kind = "fridge", location })).StatusCode);
        return (device, location);
    }

    private async Task DeliverAsync(string location, int units, DateTimeOffset at)
    {
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku = Sku, units, to = "stfut-brasserie", occurredAt = at.AddMinutes(-1) }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = Sku, units, from = "stfut-brasserie", to = location, occurredAt = at }));
    }

    private async Task<JsonElement> CountAsync(string device, long seq, DateTimeOffset at, params (string Sku, int Units)[] items)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/device-reports/stock-counts")
        {
            Content = JsonContent.Create(new { deviceId = device, seq, ts = at, items = items.Select(i => new { sku = i.Sku, units = i.Units }) }),
        };
        request.Headers.Add("Idempotency-Key", $"{device}:{seq}");
        var response = await InventoryApi.Created(api.Gateway.SendAsync(request));
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lines");
    }

    /// <summary>
    /// Now, unless the Québec week began less than four hours ago: then its last minute before. These tests' facts are
    /// hours before "now" and read as one week's sales; early on a Monday they would straddle two weeks (a full run at
    /// 01:13 on a Monday found two rows).
    /// </summary>
    private static DateTimeOffset OneQuebecWeekBack()
    {
        var now = DateTimeOffset.UtcNow;
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/Toronto");
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var monday = local.Date.AddDays(-(((int)local.DayOfWeek + 6) % 7));
        var weekBegan = new DateTimeOffset(monday, zone.GetUtcOffset(monday));
        return now - weekBegan < TimeSpan.FromHours(4) ? weekBegan.AddMinutes(-1) : now;
    }

    private async Task<JsonElement[]> SalesAtAsync(string location) =>
        (await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/sales/fridges?weeks=2"))!.Where(r => r.GetProperty("fridge").GetString() == location).ToArray();

    /// <summary>
    /// The gateways forward counts in parallel, so a later count may be told first and book the lot's last units: the
    /// earlier count's sale then finds the lot empty. Each sale still ends in the lot it came from, whatever the order.
    /// </summary>
    [Fact]
    public async Task Counts_told_out_of_order_leave_every_sale_in_the_lot_it_came_from()
    {
        var (device, location) = await PlacedFridgeAsync();
        var now = OneQuebecWeekBack();
        var lot = $"L-{Guid.NewGuid():N}"[..14];
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku = Sku, units = 10, lot, to = "stfut-brasserie", occurredAt = now.AddHours(-5) }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = Sku, units = 10, lot, from = "stfut-brasserie", to = location, occurredAt = now.AddHours(-4) }));
        await CountAsync(device, 1, now.AddHours(-3), (Sku, 10));
        await CountAsync(device, 3, now.AddHours(-1), (Sku, 0)); // told first: all ten sold
        await CountAsync(device, 2, now.AddHours(-2), (Sku, 5)); // then the one before it: five of them before it

        var levels = (await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/stock?location={location}"))!.Where(r => r.GetProperty("units").GetInt32() != 0);
        Assert.Empty(levels); // not −5 in no lot and +5 in the lot
        Assert.Equal(10L, Assert.Single(await SalesAtAsync(location)).GetProperty("units").GetInt64());
        var history = (await api.Lead.GetFromJsonAsync<JsonElement>($"/api/v1/movements?location={location}&sku={Sku}")).GetProperty("items").EnumerateArray()
            .Where(m => m.GetProperty("kind").GetString() is "sale" or "sale_reversal")
            .GroupBy(m => m.GetProperty("lot").GetString()).ToDictionary(g => g.Key!, g => g.Sum(m => (m.GetProperty("kind").GetString() == "sale" ? 1 : -1) * m.GetProperty("units").GetInt32()));
        Assert.Equal(10, history[lot]);
        Assert.Equal(0, history.GetValueOrDefault("", 0));
    }

    [Fact]
    public async Task What_the_counts_say_is_gone_is_sold_at_the_fridge_price_once_per_count()
    {
        var (device, location) = await PlacedFridgeAsync();
        var now = OneQuebecWeekBack();
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/prices", new { sku = Sku, channel = "fridge", unitPriceCents = 425, validFrom = "2020-01-01" }));

        await DeliverAsync(location, 24, now.AddHours(-3));
        var first = await CountAsync(device, 1, now.AddHours(-2), (Sku, 20));
        Assert.Equal((4, -4), (first[0].GetProperty("sold").GetInt32(), first[0].GetProperty("adjustment").GetInt32()));
        await CountAsync(device, 1, now.AddHours(-2), (Sku, 20)); // the gateway redelivers: recorded once

        await DeliverAsync(location, 12, now.AddMinutes(-90));
        var second = await CountAsync(device, 2, now.AddHours(-1), (Sku, 26)); // 20 + 12 delivered − 26 on the shelf
        Assert.Equal(6, second[0].GetProperty("sold").GetInt32());

        var week = Assert.Single(await SalesAtAsync(location));
        Assert.Equal(("saint-fut", 10L, 4250L), (week.GetProperty("brewery").GetString(), week.GetProperty("units").GetInt64(), week.GetProperty("revenueCents").GetInt64()));
        var stock = await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/stock?location={location}");
        Assert.Equal(26, stock!.Sum(r => r.GetProperty("units").GetInt32()));
        var discrepancies = await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/stock/discrepancies");
        Assert.DoesNotContain(discrepancies!, d => d.GetProperty("deviceId").GetString() == device); // sales are not discrepancies
        // Saint-Fût's brewer reads the week on the stock page.
        var page = await api.StFut.GetStringAsync("/stock");
        Assert.Contains($"<td>Frigo {location}</td><td>saint-fut</td><td>10</td><td>42,50", page);
    }

    [Fact]
    public async Task More_on_the_shelf_than_delivered_is_a_discrepancy_with_its_reason_never_negative_sales()
    {
        var (device, location) = await PlacedFridgeAsync();
        var now = DateTimeOffset.UtcNow;
        await DeliverAsync(location, 10, now.AddHours(-2));

        var lines = await CountAsync(device, 1, now.AddHours(-1), (Sku, 12), ("AUBE-IPA-473", 2));

        Assert.All(lines.EnumerateArray(), l => Assert.Equal(0, l.GetProperty("sold").GetInt32()));
        Assert.Empty(await SalesAtAsync(location));
        var found = (await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/stock/discrepancies"))!.Where(d => d.GetProperty("deviceId").GetString() == device)
            .ToDictionary(d => d.GetProperty("sku").GetString()!, d => d.GetProperty("reason").GetString()!);
        Assert.Equal("2 more on the shelf than delivered", found[Sku]);
        Assert.Equal("2 on the shelf, none delivered here", found["AUBE-IPA-473"]);
        // Aube's beer in the fridge is Aube's business; Saint-Fût's brewer sees his own line only.
        var seenBySaintFut = await api.StFut.GetFromJsonAsync<JsonElement[]>("/api/v1/stock/discrepancies");
        Assert.Equal([Sku], seenBySaintFut!.Where(d => d.GetProperty("deviceId").GetString() == device).Select(d => d.GetProperty("sku").GetString()));

        // Saint-Fût's brewer reviews its own with what it found, on the stock page's form; Aube's is not its to review.
        var own = seenBySaintFut!.Single(d => d.GetProperty("deviceId").GetString() == device).GetProperty("id").GetInt64();
        var aubes = (await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/stock/discrepancies"))!
            .Single(d => d.GetProperty("deviceId").GetString() == device && d.GetProperty("sku").GetString() == "AUBE-IPA-473").GetProperty("id").GetInt64();
        Assert.Contains($"data-api=\"/api/v1/stock/discrepancies/{own}/review\"", await api.StFut.GetStringAsync("/stock"));
        await ProblemAssert.HasStatusAsync(await api.StFut.PostAsJsonAsync($"/api/v1/stock/discrepancies/{own}/review", new { note = " " }), HttpStatusCode.BadRequest, "note");
        await ProblemAssert.HasStatusAsync(await api.StFut.PostAsJsonAsync($"/api/v1/stock/discrepancies/{aubes}/review", new { note = "pas à moi" }), HttpStatusCode.NotFound, "id");
        var reviewed = await (await api.StFut.PostAsJsonAsync($"/api/v1/stock/discrepancies/{own}/review", new { note = "deux canettes d'une caisse de retour" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((true, "deux canettes d'une caisse de retour"), (reviewed.GetProperty("reviewed").GetBoolean(), reviewed.GetProperty("reviewNote").GetString()));
        var again = await (await api.StFut.PostAsJsonAsync($"/api/v1/stock/discrepancies/{own}/review", new { note = "autre chose" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("deux canettes d'une caisse de retour", again.GetProperty("reviewNote").GetString()); // reviewed once
        Assert.DoesNotContain((await api.StFut.GetFromJsonAsync<JsonElement[]>("/api/v1/stock/discrepancies?unreviewed=true"))!, d => d.GetProperty("id").GetInt64() == own);
        Assert.DoesNotContain($"/api/v1/stock/discrepancies/{own}/review", await api.StFut.GetStringAsync("/stock"));
        Assert.Contains((await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/stock/discrepancies?unreviewed=true"))!, d => d.GetProperty("id").GetInt64() == aubes);
    }

    [Fact]
    public async Task An_unknown_sku_on_the_shelf_is_recorded_as_a_discrepancy_and_the_rest_of_the_count_applies()
    {
        var (device, location) = await PlacedFridgeAsync();
        var now = DateTimeOffset.UtcNow;
        await DeliverAsync(location, 8, now.AddHours(-2));

        var lines = (await CountAsync(device, 1, now.AddHours(-1), (Sku, 5), ("NOT-IN-CATALOGUE-1", 3))).EnumerateArray()
            .ToDictionary(l => l.GetProperty("sku").GetString()!);

        Assert.Equal(3, lines[Sku].GetProperty("sold").GetInt32());
        Assert.Equal("unknown SKU", lines["NOT-IN-CATALOGUE-1"].GetProperty("discrepancy").GetString());
        var recorded = (await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/stock/discrepancies"))!
            .Single(d => d.GetProperty("deviceId").GetString() == device && d.GetProperty("sku").GetString() == "NOT-IN-CATALOGUE-1");
        Assert.Equal((3, "unknown SKU NOT-IN-CATALOGUE-1: not in the catalogue, nothing posted"), (recorded.GetProperty("countedUnits").GetInt32(), recorded.GetProperty("reason").GetString()));
        Assert.DoesNotContain((await api.StFut.GetFromJsonAsync<JsonElement[]>("/api/v1/stock/discrepancies"))!, d => d.GetProperty("sku").GetString() == "NOT-IN-CATALOGUE-1");
    }

    [Fact]
    public async Task Prices_are_set_per_beer_and_channel_without_overlaps_and_refused_by_name_when_absurd()
    {
        var sku = "AUBE-IPA-473";
        await InventoryApi.Created(api.Aube.PostAsJsonAsync("/api/v1/prices", new { sku, channel = "kiosk", unitPriceCents = 800, validFrom = "2026-01-01", validTo = "2026-06-30" }));
        await InventoryApi.Created(api.Aube.PostAsJsonAsync("/api/v1/prices", new { sku, channel = "kiosk", unitPriceCents = 850, validFrom = "2026-07-01" }));

        await ProblemAssert.HasStatusAsync(await api.Aube.PostAsJsonAsync("/api/v1/prices", new { sku, channel = "kiosk", unitPriceCents = 900, validFrom = "2026-06-15" }),
            HttpStatusCode.Conflict, "validFrom");
        await ProblemAssert.HasStatusAsync(await api.Aube.PostAsJsonAsync("/api/v1/prices", new { sku, channel = "fridge", unitPriceCents = -1, validFrom = "2026-01-01" }),
            HttpStatusCode.BadRequest, "unitPriceCents");
        await ProblemAssert.HasStatusAsync(await api.Aube.PostAsJsonAsync("/api/v1/prices", new { sku, channel = "bar", unitPriceCents = 100, validFrom = "2026-01-01" }),
            HttpStatusCode.BadRequest, "channel");
        Assert.Equal(HttpStatusCode.Forbidden, (await api.StFut.PostAsJsonAsync("/api/v1/prices", new { sku, channel = "fridge", unitPriceCents = 100, validFrom = "2026-01-01" })).StatusCode);

        var inForce = await api.StFut.GetFromJsonAsync<JsonElement[]>($"/api/v1/prices?sku={sku}&channel=kiosk&on=2026-08-01");
        Assert.Equal(850, Assert.Single(inForce!).GetProperty("unitPriceCents").GetInt64());
    }

    [Fact]
    public async Task Revenue_per_channel_shows_a_brewer_its_own_beers_only()
    {
        var (device, location) = await PlacedFridgeAsync();
        var now = DateTimeOffset.UtcNow;
        await DeliverAsync(location, 6, now.AddHours(-2));
        await CountAsync(device, 1, now.AddHours(-1), (Sku, 1));

        var lead = await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/sales/revenue");
        Assert.Contains(lead!, r => r.GetProperty("brewery").GetString() == "saint-fut" && r.GetProperty("channel").GetString() == "fridge" && r.GetProperty("units").GetInt64() >= 5);
        var aube = await api.Aube.GetFromJsonAsync<JsonElement[]>("/api/v1/sales/revenue");
        Assert.All(aube!, r => Assert.Equal("aube", r.GetProperty("brewery").GetString()));
        await ProblemAssert.HasStatusAsync(await api.Lead.GetAsync("/api/v1/sales/revenue?from=2026-05-01&to=2026-04-01"), HttpStatusCode.BadRequest, "from");
    }

    [Fact]
    public async Task The_restock_list_says_what_to_bring_to_each_fridge_in_cases_and_units_and_a_brewer_gets_its_own()
    {
        var (device, location) = await PlacedFridgeAsync();
        var now = DateTimeOffset.UtcNow;
        await DeliverAsync(location, 10, now.AddHours(-2));
        await CountAsync(device, 1, now.AddHours(-1), (Sku, 4)); // six sold
        Assert.Equal(HttpStatusCode.OK, (await api.StFut.PutAsJsonAsync("/api/v1/par-levels", new { sku = Sku, location, parUnits = 30 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync("/api/v1/par-levels", new { sku = "AUBE-IPA-473", location, parUnits = 12 })).StatusCode);

        var stFut = (await api.StFut.GetFromJsonAsync<JsonElement[]>("/api/v1/stock/restock"))!.Where(l => l.GetProperty("fridge").GetString() == location).ToList();
        var line = Assert.Single(stFut);
        // 30 − 4 = 26 to bring: two cases of 12 (the fixture's Blonde 355 comes by 12) and 2 units.
        Assert.Equal((Sku, 4, 26, 2, 2), (line.GetProperty("sku").GetString(), line.GetProperty("onShelf").GetInt32(), line.GetProperty("toBring").GetInt32(),
            line.GetProperty("cases").GetInt32(), line.GetProperty("looseUnits").GetInt32()));

        var all = (await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/stock/restock"))!.Where(l => l.GetProperty("fridge").GetString() == location).ToList();
        Assert.Equal(["aube", "saint-fut"], all.Select(l => l.GetProperty("brewery").GetString()).Order());
        Assert.Equal(["aube"], (await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/stock/restock?brewery=aube"))!
            .Where(l => l.GetProperty("fridge").GetString() == location).Select(l => l.GetProperty("brewery").GetString()));
    }

    [Fact]
    public async Task A_restocking_round_is_made_from_the_restock_list_and_each_line_ticked_posts_its_delivery_once()
    {
        var (device, location) = await PlacedFridgeAsync();
        var now = DateTimeOffset.UtcNow;
        await DeliverAsync(location, 10, now.AddHours(-2));
        await CountAsync(device, 1, now.AddHours(-1), (Sku, 3)); // seven sold
        Assert.Equal(HttpStatusCode.OK, (await api.StFut.PutAsJsonAsync("/api/v1/par-levels", new { sku = Sku, location, parUnits = 12 })).StatusCode);
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku = Sku, units = 100, to = "stfut-brasserie" }));

        var made = await InventoryApi.Created(api.StFut.PostAsJsonAsync("/api/v1/stock/restock/rounds", new { from = "stfut-brasserie", fridges = new[] { location } }));
        var round = await made.Content.ReadFromJsonAsync<JsonElement>();
        var line = Assert.Single(round.GetProperty("lines").EnumerateArray());
        Assert.Equal(9, line.GetProperty("plannedUnits").GetInt32());
        var url = $"/api/v1/stock/restock/rounds/{round.GetProperty("id").GetInt64()}/lines/{line.GetProperty("id").GetInt64()}/delivery";

        // Aube's brewer does not see Saint-Fût's round; Saint-Fût's driver ticks the line twice (a double tap): one delivery.
        Assert.Equal(HttpStatusCode.NotFound, (await api.Aube.PostAsJsonAsync(url, new { units = 9 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.StFut.PostAsJsonAsync(url, new { units = 8 })).StatusCode);
        var again = await (await api.StFut.PostAsJsonAsync(url, new { units = 8 })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(8, again.GetProperty("lines")[0].GetProperty("deliveredUnits").GetInt32());

        var stock = await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/stock?location={location}");
        Assert.Equal(11, stock!.Sum(r => r.GetProperty("units").GetInt32()));
        var deliveries = await api.Lead.GetFromJsonAsync<JsonElement>($"/api/v1/movements?location={location}&kind=transfer");
        Assert.Equal(1, deliveries.GetProperty("items").EnumerateArray().Count(m => (m.GetProperty("reason").GetString() ?? "").StartsWith("restocking round", StringComparison.Ordinal)));
        // On the phone page, the ticked line shows what went in; the page offers the round's source places.
        var page = await api.StFut.GetStringAsync("/tournees");
        Assert.Contains($"✓ Frigo {location} — {Sku} : 8", page);
        Assert.Contains("<option value=\"stfut-brasserie\">", page);
        Assert.DoesNotContain("aube-brasserie", page);
        var history = await api.StFut.GetFromJsonAsync<JsonElement[]>("/api/v1/stock/restock/rounds");
        Assert.Contains(history!, r => r.GetProperty("id").GetInt64() == round.GetProperty("id").GetInt64());
        Assert.DoesNotContain((await api.Aube.GetFromJsonAsync<JsonElement[]>("/api/v1/stock/restock/rounds"))!, r => r.GetProperty("id").GetInt64() == round.GetProperty("id").GetInt64());
    }
}
