namespace Inventory.Api.FunctionalTests;

/// <summary>
/// A device's report goes to where the device stood at the report's time (DESIGN rule 10, docs/ledger.md): the
/// festival planner's assignment is that history on the festival's days, a device's placements otherwise, and a
/// fridge that moves takes its stock with it or closes it, never leaving phantom stock behind.
/// </summary>
public sealed class PlacementInTimeTests(ConcurrentInventoryApi api) : IClassFixture<ConcurrentInventoryApi>
{
    private const string Sku = "AUBE-IPA-473";

    private static DateTimeOffset Montreal(string date, int hour) =>
        new(DateTime.Parse(date, System.Globalization.CultureInfo.InvariantCulture).AddHours(hour), TimeSpan.FromHours(-4)); // summer: EDT

    private async Task<HttpResponseMessage> ReportAsync(string path, object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/device-reports/{path}") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await api.Gateway.SendAsync(request);
    }

    private Task<HttpResponseMessage> SellAsync(string device, long seq, DateTimeOffset at, int units) => ReportAsync("sales", new
    {
        deviceId = device, seq, ts = at, saleId = $"{device}-{seq}", payment = "card", lines = new[] { new { sku = Sku, units, unitPriceCents = 800 } },
    }, $"{device}:{seq}");

    private async Task<int> SoldAtAsync(string location) =>
        (await api.Lead.GetFromJsonAsync<JsonElement>($"/api/v1/movements?location={location}&kind=sale")).GetProperty("items").EnumerateArray().Sum(m => m.GetProperty("units").GetInt32());

    /// <summary>Sold less what re-derivations gave back (a count's sales corrected by a fact known later).</summary>
    private async Task<int> NetSoldAtAsync(string location) =>
        await SoldAtAsync(location) - (await api.Lead.GetFromJsonAsync<JsonElement>($"/api/v1/movements?location={location}&kind=sale_reversal"))
            .GetProperty("items").EnumerateArray().Sum(m => m.GetProperty("units").GetInt32());

    private async Task<int> UnitsAsync(string location) =>
        (await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/stock?location={location}"))!.Sum(r => r.GetProperty("units").GetInt32());

    [Fact]
    public async Task A_kiosks_buffered_sales_of_last_weekends_festival_land_at_last_weekends_kiosk()
    {
        var device = $"kiosk-{Guid.NewGuid():N}"[..18];
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync($"/api/v1/devices/{device}", new { kind = "kiosk" })).StatusCode); // placed nowhere
        foreach (var (code, from, to) in new[] { ("plc-fest-a", "2026-08-01", "2026-08-02"), ("plc-fest-b", "2026-08-08", "2026-08-09") })
        {
            await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/festivals", new
            {
                code, name = code, site = "Parc", region = "Mauricie", startsOn = from, endsOn = to, expectedAttendance = 500, breweries = new[] { "aube" },
            }));
            await InventoryApi.Created(api.Lead.PostAsJsonAsync($"/api/v1/festivals/{code}/kiosks", new { code = "k1", name = "Kiosque 1" }));
            await InventoryApi.Created(api.Lead.PostAsJsonAsync($"/api/v1/festivals/{code}/kiosks/k1/devices", new { deviceId = device }));
        }

        // This weekend's sale, then last weekend's, buffered on the kiosk through a dead festival network.
        await InventoryApi.Created(SellAsync(device, 40, Montreal("2026-08-08", 15), 2));
        await InventoryApi.Created(SellAsync(device, 12, Montreal("2026-08-01", 21), 3));

        Assert.Equal(3, await SoldAtAsync("plc-fest-a-k1"));
        Assert.Equal(2, await SoldAtAsync("plc-fest-b-k1"));
        // Between the festivals the device stood nowhere: a report dated then is refused by name, never misplaced.
        await ProblemAssert.HasStatusAsync(await SellAsync(device, 30, Montreal("2026-08-05", 12), 1), HttpStatusCode.UnprocessableEntity, "deviceId");
    }

    private Task<HttpResponseMessage> CountAtAsync(string device, long seq, DateTimeOffset at, int units) =>
        ReportAsync("stock-counts", new { deviceId = device, seq, ts = at, items = new[] { new { sku = Sku, units } } }, $"{device}:{seq}");

    /// <summary>Two COOP fridge places and a fridge at the first, two days ago: 10 cans delivered at 9:00, 8 counted at 10:00.</summary>
    private async Task<(string First, string Second, string Device, DateTimeOffset Day)> FridgeCountedAtTheFirstOfTwoPlacesAsync()
    {
        var (first, second) = ($"frigo-{Guid.NewGuid():N}"[..18], $"frigo-{Guid.NewGuid():N}"[..18]);
        foreach (var code in new[] { first, second })
            await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/locations", new { code, name = code, kind = "coop_fridge", region = "Mauricie" }));
        var device = $"fridge-{Guid.NewGuid():N}"[..18];
        var day = DateTimeOffset.UtcNow.Date.AddDays(-2);
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync($"/api/v1/devices/{device}", new { kind = "fridge", location = first })).StatusCode);
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku = Sku, units = 10, to = "aube-brasserie", occurredAt = day.AddHours(8) }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = Sku, units = 10, from = "aube-brasserie", to = first, occurredAt = day.AddHours(9) }));
        await InventoryApi.Created(CountAtAsync(device, 1, day.AddHours(10), 8));
        return (first, second, device, day);
    }

    [Fact]
    public async Task A_moved_fridge_takes_its_stock_or_closes_it_and_its_late_counts_land_where_it_stood()
    {
        var (first, second, device, day) = await FridgeCountedAtTheFirstOfTwoPlacesAsync();
        Task<HttpResponseMessage> CountAsync(long seq, DateTimeOffset at, int units) => CountAtAsync(device, seq, at, units);

        // Moved at noon: saying neither what becomes of the 8 cans is refused by name.
        var move = new { kind = "fridge", location = second, since = day.AddHours(12) };
        await ProblemAssert.HasStatusAsync(await api.Lead.PutAsJsonAsync($"/api/v1/devices/{device}", move), HttpStatusCode.Conflict, "stock");
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync($"/api/v1/devices/{device}", new { kind = "fridge", location = second, since = day.AddHours(12), stock = "move" })).StatusCode);
        Assert.Equal((0, 8), (await UnitsAsync(first), await UnitsAsync(second)));

        await InventoryApi.Created(CountAsync(3, day.AddHours(15), 5));   // at the new place: 3 sold there
        await InventoryApi.Created(CountAsync(2, day.AddHours(11), 8));   // late, from before the move: lands at the first place
        Assert.Equal((2, 3), (await SoldAtAsync(first), await SoldAtAsync(second)));
        Assert.Equal((0, 5), (await UnitsAsync(first), await UnitsAsync(second)));
    }

    [Fact]
    public async Task A_move_dated_before_reports_already_booked_where_the_fridge_stood_is_refused_by_name()
    {
        var (first, second, device, day) = await FridgeCountedAtTheFirstOfTwoPlacesAsync();
        await InventoryApi.Created(CountAtAsync(device, 2, day.AddHours(14), 6)); // booked at the first place: 2 more sold there

        // The move entered the next day, dated noon: the 14:00 count would be left at the first place after it had gone
        // (counts of a place that holds nothing): the old code moved the 8 cans of noon and left the count's 6 behind, 16
        // cans in the ledger for the fridge's 6. Refused by name, nothing moves.
        await ProblemAssert.HasStatusAsync(await api.Lead.PutAsJsonAsync($"/api/v1/devices/{device}", new { kind = "fridge", location = second, since = day.AddHours(12), stock = "move" }),
            HttpStatusCode.Conflict, "since");
        Assert.Equal((6, 0), (await UnitsAsync(first), await UnitsAsync(second)));
        Assert.Equal(4, await SoldAtAsync(first));

        // Dated after the last report it sent from there, the move goes through.
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync($"/api/v1/devices/{device}", new { kind = "fridge", location = second, since = day.AddHours(15), stock = "move" })).StatusCode);
        Assert.Equal((0, 6), (await UnitsAsync(first), await UnitsAsync(second)));
    }

    [Fact]
    public async Task A_moved_fridge_takes_what_stood_there_when_it_left_as_its_old_places_late_facts_tell()
    {
        var (first, second, device, day) = await FridgeCountedAtTheFirstOfTwoPlacesAsync();
        Task<HttpResponseMessage> CountAsync(long seq, DateTimeOffset at, int units) => CountAtAsync(device, seq, at, units);

        // Moved at noon with its beer, the platform knowing of 8 cans; at the new place it counts 3 at three.
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync($"/api/v1/devices/{device}", new { kind = "fridge", location = second, since = day.AddHours(12), stock = "move" })).StatusCode);
        await InventoryApi.Created(CountAsync(3, day.AddHours(15), 3));
        // Then the old place's last count arrives (held by its Wi-Fi): 2 more were sold there before it left, so 6 moved.
        await InventoryApi.Created(CountAsync(2, day.AddHours(11), 6));
        Assert.Equal((4, 3), (await NetSoldAtAsync(first), await NetSoldAtAsync(second)));
        Assert.Equal((0, 3), (await UnitsAsync(first), await UnitsAsync(second)));

        // And the venue reports a can stolen at half past eleven: it stood there then, so it is taken, and 5 moved.
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "loss", sku = Sku, units = 1, from = first, occurredAt = day.AddHours(11.5), reason = "stolen" }));
        Assert.Equal((4, 2), (await NetSoldAtAsync(first), await NetSoldAtAsync(second)));
        Assert.Equal((0, 3), (await UnitsAsync(first), await UnitsAsync(second)));
        // More than stood there is still refused.
        await ProblemAssert.HasStatusAsync(await api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "loss", sku = Sku, units = 7, from = first, occurredAt = day.AddHours(11.5) }),
            HttpStatusCode.Conflict, "units");
    }

    [Fact]
    public async Task A_fridge_taken_out_of_service_closes_its_stock_with_its_reason()
    {
        var place = $"frigo-{Guid.NewGuid():N}"[..18];
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/locations", new { code = place, name = place, kind = "coop_fridge", region = "Estrie" }));
        var device = $"fridge-{Guid.NewGuid():N}"[..18];
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync($"/api/v1/devices/{device}", new { kind = "fridge", location = place })).StatusCode);
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "count_adjustment", sku = Sku, units = 4, to = place, occurredAt = DateTimeOffset.UtcNow.AddHours(-3) }));

        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync($"/api/v1/devices/{device}", new { kind = "fridge", stock = "close" })).StatusCode);

        Assert.Equal(0, await UnitsAsync(place));
        var closed = await api.Lead.GetFromJsonAsync<JsonElement>($"/api/v1/movements?location={place}&kind=count_adjustment");
        Assert.Contains(closed.GetProperty("items").EnumerateArray(), m => (m.GetProperty("reason").GetString() ?? "").Contains("its stock closed there", StringComparison.Ordinal));
    }
}
