namespace Inventory.Api.FunctionalTests;

public sealed class DeviceReportTests(ConcurrentInventoryApi api) : IClassFixture<ConcurrentInventoryApi>
{
    private async Task<(string Device, string Location)> PlacedKioskAsync(int stock)
    {
        var location = $"kiosk-{Guid.NewGuid():N}"[..20];
        var device = $"kiosk-{Guid.NewGuid():N}"[..20];
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/locations", new { code = location, name = location, kind = "festival_kiosk", region = "Québec" }));
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync($"/api/v1/devices/{device}", new { kind = "kiosk", location })).StatusCode);
        if (stock > 0)
            await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "count_adjustment", sku = "STFUT-EPAULE-473", units = stock, to = location, occurredAt = DateTimeOffset.UtcNow.AddHours(-5) }));
        return (device, location);
    }

    private static object Sale(string device, long seq, int units, string sku = "STFUT-EPAULE-473", DateTimeOffset? ts = null) => new
    {
        deviceId = device, seq, ts = ts ?? DateTimeOffset.UtcNow.AddMinutes(-1), saleId = $"{device}-{seq}", payment = "card",
        lines = new[] { new { sku, units, unitPriceCents = 900 } },
    };

    private Task<HttpResponseMessage> ReportAsync(string path, object body, string key, HttpClient? client = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/device-reports/{path}") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return (client ?? api.Gateway).SendAsync(request);
    }

    private async Task<int> UnitsAsync(string location) =>
        (await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/stock?location={location}"))!.Sum(r => r.GetProperty("units").GetInt32());

    [Fact]
    public async Task A_kiosk_sale_is_recorded_once_however_often_it_is_redelivered()
    {
        var (device, location) = await PlacedKioskAsync(stock: 20);

        var sale = Sale(device, 7, 2);
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Created, (await ReportAsync("sales", sale, $"{device}:7")).StatusCode);
        var redelivered = Sale(device, 8, 3);
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => ReportAsync("sales", redelivered, $"{device}:8")));

        Assert.All(concurrent, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(15, await UnitsAsync(location));
        var sales = await api.Lead.GetFromJsonAsync<JsonElement>($"/api/v1/movements?location={location}&kind=sale");
        Assert.Equal(2, sales.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_sale_beyond_the_ledger_is_recorded_and_its_shortfall_flagged()
    {
        var (device, location) = await PlacedKioskAsync(stock: 2);

        var response = await InventoryApi.Created(ReportAsync("sales", Sale(device, 1, 5), $"{device}:1"));

        Assert.Equal(3, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("shortfall").GetInt32());
        Assert.Equal(-3, await UnitsAsync(location));
    }

    [Fact]
    public async Task Sales_past_the_shortfall_floor_are_refused_by_name_and_never_overflow_the_level()
    {
        var (device, location) = await PlacedKioskAsync(stock: 0);
        // A hostile kiosk reports the biggest sale the contract allows, again and again.
        long seq = 0;
        HttpResponseMessage response;
        do response = await ReportAsync("sales", Sale(device, ++seq, 10_000), $"{device}:{seq}");
        while (response.StatusCode == HttpStatusCode.Created && seq < 10);

        await ProblemAssert.HasStatusAsync(response, HttpStatusCode.UnprocessableEntity, "lines[0].units");
        Assert.Equal(2, seq); // -10,000 is the floor: the first sale reaches it, the second would pass it
        Assert.Equal(-10_000, await UnitsAsync(location));
        // A replay of the refused report is refused again (nothing was claimed); once a shelf count says what is
        // there, the kiosk's sales after it land again.
        await ProblemAssert.HasStatusAsync(await ReportAsync("sales", Sale(device, seq, 10_000), $"{device}:{seq}"), HttpStatusCode.UnprocessableEntity, "lines[0].units");
        await InventoryApi.Created(ReportAsync("stock-counts",
            new { deviceId = device, seq = 3, ts = DateTimeOffset.UtcNow.AddSeconds(-30), items = new[] { new { sku = "STFUT-EPAULE-473", units = 5 } } }, $"{device}:3"));
        await InventoryApi.Created(ReportAsync("sales", Sale(device, 4, 1, ts: DateTimeOffset.UtcNow), $"{device}:4"));
        Assert.Equal(4, await UnitsAsync(location));
    }

    [Fact]
    public async Task A_price_past_ten_thousand_dollars_or_a_sale_from_a_fridge_is_refused_by_name()
    {
        var (device, _) = await PlacedKioskAsync(stock: 5);
        var absurd = new
        {
            deviceId = device, seq = 1, ts = DateTimeOffset.UtcNow.AddMinutes(-1), saleId = $"{device}-1",
            lines = new[] { new { sku = "STFUT-EPAULE-473", units = 1, unitPriceCents = long.MaxValue / 2 } },
        };
        await ProblemAssert.HasStatusAsync(await ReportAsync("sales", absurd, $"{device}:1"), HttpStatusCode.BadRequest, "lines[0].unitPriceCents");

        var fridge = $"fridge-{Guid.NewGuid():N}"[..20];
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync($"/api/v1/devices/{fridge}", new { kind = "fridge", location = "frigo-coop-01" })).StatusCode);
        await ProblemAssert.HasStatusAsync(await ReportAsync("sales", Sale(fridge, 1, 1), $"{fridge}:1"), HttpStatusCode.UnprocessableEntity, "deviceId");
    }

    [Fact]
    public async Task The_contract_limits_the_gateway_enforces_are_the_limits_the_api_enforces()
    {
        var (device, _) = await PlacedKioskAsync(stock: 5);
        object SaleOf(int lineCount, long price) => new
        {
            deviceId = device, seq = 1, ts = DateTimeOffset.UtcNow.AddMinutes(-1), saleId = $"{device}-1",
            lines = Enumerable.Range(0, lineCount).Select(_ => new { sku = "STFUT-EPAULE-473", units = 1, unitPriceCents = price }).ToArray(),
        };
        // At the limits the gateway accepts (FridgeGateway.UnitTests.MessageParserTests), the API records the sale.
        Assert.Equal(HttpStatusCode.Created, (await ReportAsync("sales", SaleOf(1, FrigoCoop.Telemetry.TelemetryLimits.MaxUnitPriceCents), $"{device}:1")).StatusCode);
        // Past them, both refuse, naming the same field.
        await ProblemAssert.HasStatusAsync(await ReportAsync("sales", SaleOf(FrigoCoop.Telemetry.TelemetryLimits.MaxSaleLines + 1, 900), $"{device}:1"), HttpStatusCode.BadRequest, "lines");
        await ProblemAssert.HasStatusAsync(await ReportAsync("sales", SaleOf(1, FrigoCoop.Telemetry.TelemetryLimits.MaxUnitPriceCents + 1), $"{device}:1"), HttpStatusCode.BadRequest, "lines[0].unitPriceCents");
    }

    [Fact]
    public async Task An_unknown_device_is_a_404_and_writes_nothing()
    {
        var response = await ReportAsync("sales", Sale("kiosk-nobody-99", 1, 1), "kiosk-nobody-99:1");
        await ProblemAssert.HasStatusAsync(response, HttpStatusCode.NotFound, "deviceId");
    }

    [Fact]
    public async Task An_unknown_sku_is_a_422_and_the_whole_sale_is_rolled_back()
    {
        var (device, location) = await PlacedKioskAsync(stock: 10);
        var body = new
        {
            deviceId = device, seq = 3L, ts = DateTimeOffset.UtcNow, saleId = "s3",
            lines = new[] { new { sku = "STFUT-EPAULE-473", units = 1, unitPriceCents = 900 }, new { sku = "UNKNOWN-SKU-1", units = 1, unitPriceCents = 900 } },
        };
        await ProblemAssert.HasStatusAsync(await ReportAsync("sales", body, $"{device}:3"), (HttpStatusCode)422, "lines[1].sku");
        Assert.Equal(10, await UnitsAsync(location));
    }

    [Fact]
    public async Task The_idempotency_key_must_be_the_device_id_and_seq()
    {
        var (device, _) = await PlacedKioskAsync(stock: 1);
        await ProblemAssert.HasStatusAsync(await ReportAsync("sales", Sale(device, 4, 1), $"{device}:5"), HttpStatusCode.BadRequest, "Idempotency-Key");
    }

    [Fact]
    public async Task A_stock_count_reconciles_the_ledger_and_records_the_discrepancies()
    {
        var (device, location) = await PlacedKioskAsync(stock: 20);
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "count_adjustment", sku = "STFUT-BLONDE-355", units = 6, to = location, occurredAt = DateTimeOffset.UtcNow.AddHours(-5) }));

        // The shelf holds 17 Épaule and 9 IPA; the Blonde is gone (not listed = 0 units).
        var count = new { deviceId = device, seq = 10L, ts = DateTimeOffset.UtcNow.AddMinutes(-2), items = new[] { new { sku = "STFUT-EPAULE-473", units = 17 }, new { sku = "AUBE-IPA-473", units = 9 } } };
        var response = await InventoryApi.Created(ReportAsync("stock-counts", count, $"{device}:10"));

        var lines = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lines").EnumerateArray()
            .ToDictionary(l => l.GetProperty("sku").GetString()!, l => l.GetProperty("adjustment").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["AUBE-IPA-473"] = 9, ["STFUT-BLONDE-355"] = -6, ["STFUT-EPAULE-473"] = -3 }, lines);
        Assert.Equal(26, await UnitsAsync(location));
        var discrepancies = await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/stock/discrepancies?unreviewed=true");
        Assert.Equal(3, discrepancies!.Count(d => d.GetProperty("deviceId").GetString() == device));
    }

    [Fact]
    public async Task A_late_count_is_compared_with_the_ledger_as_it_stood_when_counted()
    {
        var (device, location) = await PlacedKioskAsync(stock: 20);
        var countedAt = DateTimeOffset.UtcNow.AddHours(-2);
        // Two sales after the count reach the API before the count does (the device was offline).
        await InventoryApi.Created(ReportAsync("sales", Sale(device, 21, 4), $"{device}:21"));
        var late = new { deviceId = device, seq = 20L, ts = countedAt, items = new[] { new { sku = "STFUT-EPAULE-473", units = 20 } } };

        var response = await InventoryApi.Created(ReportAsync("stock-counts", late, $"{device}:20"));

        Assert.Equal(0, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lines")[0].GetProperty("adjustment").GetInt32());
        Assert.Equal(16, await UnitsAsync(location));
    }

    [Fact]
    public async Task A_reflashed_kiosk_whose_seq_restarts_has_its_new_reports_counted_once_each_not_refused()
    {
        var (device, location) = await PlacedKioskAsync(stock: 50);
        var before = DateTimeOffset.UtcNow.AddHours(-3);
        for (var seq = 1; seq <= 3; seq++)
            await InventoryApi.Created(ReportAsync("sales", Sale(device, seq, 2, ts: before.AddMinutes(seq)), $"{device}:{seq}"));

        // Reflashed: the counter starts again at 1, with later times and other sales.
        var after = DateTimeOffset.UtcNow.AddHours(-1);
        var restarted = Sale(device, 1, 5, ts: after);
        Assert.Equal(HttpStatusCode.Created, (await ReportAsync("sales", restarted, $"{device}:1")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await ReportAsync("sales", restarted, $"{device}:1")).StatusCode); // redelivered: once
        await InventoryApi.Created(ReportAsync("sales", Sale(device, 2, 1, ts: after.AddMinutes(1)), $"{device}:2"));

        Assert.Equal(50 - 6 - 5 - 1, await UnitsAsync(location));
        // The same seq and time with another body is still a collision, refused by name.
        await ProblemAssert.HasStatusAsync(await ReportAsync("sales", Sale(device, 1, 9, ts: after), $"{device}:1"), HttpStatusCode.UnprocessableEntity, "Idempotency-Key");
    }
}
