namespace Inventory.Api.FunctionalTests;

public sealed class LedgerTests(ConcurrentInventoryApi api) : IClassFixture<ConcurrentInventoryApi>
{
    private static object Move(string kind, string sku, int units, string? from = null, string? to = null, string? lot = null, DateTimeOffset? occurredAt = null, int? cases = null) =>
        new { kind, sku, units, cases, from, to, lot, occurredAt, reason = "test" };

    private async Task<HttpResponseMessage> PostAsync(HttpClient client, object movement, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/movements") { Content = JsonContent.Create(movement) };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    private async Task<string> NewLocationAsync(string kind = "coop_fridge")
    {
        var code = $"loc-{Guid.NewGuid():N}"[..20];
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/locations", new { code, name = code, kind, region = "Estrie" }));
        return code;
    }

    private async Task<int> UnitsAsync(string sku, string location, DateTimeOffset? asOf = null)
    {
        var url = $"/api/v1/stock?sku={sku}&location={location}" + (asOf is null ? "" : $"&asOf={Uri.EscapeDataString(asOf.Value.ToString("O"))}");
        var rows = await api.Lead.GetFromJsonAsync<JsonElement[]>(url);
        return rows!.Sum(r => r.GetProperty("units").GetInt32());
    }

    [Fact]
    public async Task Production_then_a_transfer_moves_the_levels_and_shows_cases_and_units()
    {
        var brewery = await NewLocationAsync("warehouse");
        var fridge = await NewLocationAsync();
        await InventoryApi.Created(PostAsync(api.StFut, Move("production", "STFUT-EPAULE-473", 4, to: brewery, lot: "2026-07-A", cases: 10))); // 244 units
        await InventoryApi.Created(PostAsync(api.StFut, Move("transfer", "STFUT-EPAULE-473", 30, from: brewery, to: fridge)));

        Assert.Equal(214, await UnitsAsync("STFUT-EPAULE-473", brewery));
        var fridgeRow = (await api.StFut.GetFromJsonAsync<JsonElement[]>($"/api/v1/stock?location={fridge}"))!.Single();
        Assert.Equal((30, 1, 6, "2026-07-A"), (fridgeRow.GetProperty("units").GetInt32(), fridgeRow.GetProperty("cases").GetInt32(),
            fridgeRow.GetProperty("looseUnits").GetInt32(), fridgeRow.GetProperty("lot").GetString()));
    }

    [Fact]
    public async Task A_person_cannot_drive_stock_negative_and_gets_the_shortfall()
    {
        var fridge = await NewLocationAsync();
        await InventoryApi.Created(PostAsync(api.Lead, Move("count_adjustment", "AUBE-IPA-473", 5, to: fridge)));

        var response = await PostAsync(api.Aube, Move("loss", "AUBE-IPA-473", 8, from: fridge));

        var problem = await ProblemAssert.HasStatusAsync(response, HttpStatusCode.Conflict, "units");
        Assert.Equal(3, problem.GetProperty("shortfall").GetInt32());
        Assert.Equal(5, await UnitsAsync("AUBE-IPA-473", fridge));
    }

    [Fact]
    public async Task Withdrawals_take_the_oldest_lot_first()
    {
        var warehouse = await NewLocationAsync("warehouse");
        await InventoryApi.Created(PostAsync(api.StFut, Move("production", "STFUT-BLONDE-355", 10, to: warehouse, lot: "2026-08-B")));
        await InventoryApi.Created(PostAsync(api.StFut, Move("production", "STFUT-BLONDE-355", 10, to: warehouse, lot: "2026-07-A")));

        var sold = await InventoryApi.Created(PostAsync(api.StFut, Move("sale", "STFUT-BLONDE-355", 14, from: warehouse)));

        var movements = (await sold.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("movements").EnumerateArray()
            .Select(m => (m.GetProperty("lot").GetString(), m.GetProperty("units").GetInt32())).ToList();
        Assert.Equal([("2026-07-A", 10), ("2026-08-B", 4)], movements);
    }

    [Fact]
    public async Task A_replayed_request_returns_the_first_answer_and_moves_stock_once()
    {
        var fridge = await NewLocationAsync();
        var key = Guid.NewGuid().ToString();
        var first = await InventoryApi.Created(PostAsync(api.Lead, Move("count_adjustment", "STFUT-BLONDE-355", 12, to: fridge), key));
        var replay = await PostAsync(api.Lead, Move("count_adjustment", "STFUT-BLONDE-355", 12, to: fridge), key);

        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        Assert.Equal(12, await UnitsAsync("STFUT-BLONDE-355", fridge));
    }

    [Fact]
    public async Task The_same_key_with_a_different_body_is_a_422()
    {
        var fridge = await NewLocationAsync();
        var key = Guid.NewGuid().ToString();
        await InventoryApi.Created(PostAsync(api.Lead, Move("count_adjustment", "STFUT-BLONDE-355", 12, to: fridge), key));

        var response = await PostAsync(api.Lead, Move("count_adjustment", "STFUT-BLONDE-355", 13, to: fridge), key);

        await ProblemAssert.HasStatusAsync(response, (HttpStatusCode)422, "Idempotency-Key");
    }

    [Fact]
    public async Task A_refused_request_leaves_no_key_behind_so_it_can_succeed_later()
    {
        var fridge = await NewLocationAsync();
        var key = Guid.NewGuid().ToString();
        await ProblemAssert.HasStatusAsync(await PostAsync(api.StFut, Move("sale", "STFUT-BLONDE-355", 2, from: fridge), key), HttpStatusCode.Conflict);
        await InventoryApi.Created(PostAsync(api.Lead, Move("count_adjustment", "STFUT-BLONDE-355", 5, to: fridge)));

        await InventoryApi.Created(PostAsync(api.StFut, Move("sale", "STFUT-BLONDE-355", 2, from: fridge), key));
        Assert.Equal(3, await UnitsAsync("STFUT-BLONDE-355", fridge));
    }

    [Fact]
    public async Task Twenty_parallel_transfers_out_of_one_stock_never_overdraw_and_leave_the_exact_balance()
    {
        var from = await NewLocationAsync("warehouse");
        var to = await NewLocationAsync();
        await InventoryApi.Created(PostAsync(api.Lead, Move("production", "AUBE-IPA-473", 150, to: from)));

        var clients = Enumerable.Range(0, 20).Select(_ => api.Aube).ToList();
        var responses = await Task.WhenAll(clients.Select(c => PostAsync(c, Move("transfer", "AUBE-IPA-473", 10, from: from, to: to))));

        Assert.Equal(15, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(0, await UnitsAsync("AUBE-IPA-473", from));
        Assert.Equal(150, await UnitsAsync("AUBE-IPA-473", to));
    }

    [Fact]
    public async Task Stock_as_of_a_past_date_is_derived_from_the_ledger()
    {
        var fridge = await NewLocationAsync();
        var monday = new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
        await InventoryApi.Created(PostAsync(api.Lead, Move("count_adjustment", "STFUT-EPAULE-473", 40, to: fridge, occurredAt: monday)));
        await InventoryApi.Created(PostAsync(api.StFut, Move("sale", "STFUT-EPAULE-473", 15, from: fridge, occurredAt: monday.AddDays(2))));

        Assert.Equal(40, await UnitsAsync("STFUT-EPAULE-473", fridge, monday.AddDays(1)));
        Assert.Equal(25, await UnitsAsync("STFUT-EPAULE-473", fridge, monday.AddDays(3)));
        Assert.Equal(0, await UnitsAsync("STFUT-EPAULE-473", fridge, monday.AddDays(-1)));
    }

    [Fact]
    public async Task Movement_history_pages_by_cursor_without_gaps_or_repeats()
    {
        var fridge = await NewLocationAsync();
        for (var i = 1; i <= 7; i++) await InventoryApi.Created(PostAsync(api.Lead, Move("count_adjustment", "STFUT-BLONDE-355", i, to: fridge)));

        var seen = new List<int>();
        string? cursor = null;
        do
        {
            var page = await api.StFut.GetFromJsonAsync<JsonElement>($"/api/v1/movements?location={fridge}&limit=3" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("units").GetInt32()));
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextCursor").GetString();
        } while (cursor is not null);

        Assert.Equal([7, 6, 5, 4, 3, 2, 1], seen);
        await ProblemAssert.HasStatusAsync(await api.StFut.GetAsync("/api/v1/movements?cursor=%%%"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_brewer_moves_only_its_own_beers()
    {
        var fridge = await NewLocationAsync();
        var response = await PostAsync(api.StFut, Move("count_adjustment", "AUBE-IPA-473", 1, to: fridge));
        await ProblemAssert.HasStatusAsync(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_brewer_sees_its_beers_everywhere_and_every_beer_in_shared_fridges_but_not_in_another_brewery()
    {
        var fridge = await NewLocationAsync();
        var aubeWarehouse = await NewLocationAsync("warehouse");
        await InventoryApi.Created(PostAsync(api.Lead, Move("count_adjustment", "AUBE-IPA-473", 6, to: fridge)));
        await InventoryApi.Created(PostAsync(api.Aube, Move("production", "AUBE-IPA-473", 99, to: aubeWarehouse)));

        var seenByStFut = await api.StFut.GetFromJsonAsync<JsonElement[]>("/api/v1/stock?sku=AUBE-IPA-473");
        Assert.Contains(seenByStFut!, r => r.GetProperty("location").GetString() == fridge);
        Assert.DoesNotContain(seenByStFut!, r => r.GetProperty("location").GetString() == aubeWarehouse);
    }

    [Fact]
    public async Task Low_stock_lists_what_is_under_its_par_level()
    {
        var fridge = await NewLocationAsync();
        await InventoryApi.Created(PostAsync(api.Lead, Move("count_adjustment", "STFUT-EPAULE-473", 4, to: fridge)));
        Assert.Equal(HttpStatusCode.OK, (await api.StFut.PutAsJsonAsync("/api/v1/par-levels", new { sku = "STFUT-EPAULE-473", location = fridge, parUnits = 12 })).StatusCode);

        var low = await api.StFut.GetFromJsonAsync<JsonElement[]>($"/api/v1/stock/low?location={fridge}");
        var row = Assert.Single(low!);
        Assert.Equal((4, 12, 8), (row.GetProperty("units").GetInt32(), row.GetProperty("parUnits").GetInt32(), row.GetProperty("missing").GetInt32()));
    }

    [Theory]
    [InlineData("production", null, null, "to")]
    [InlineData("transfer", "x", null, "to")]
    [InlineData("sale", null, "x", "from")]
    [InlineData("sale", "x", "y", "to")]
    [InlineData("count_adjustment", null, null, "from")]
    public async Task A_movement_with_the_wrong_ends_for_its_kind_is_a_400(string kind, string? from, string? to, string field)
    {
        var response = await PostAsync(api.Lead, Move(kind, "STFUT-BLONDE-355", 1, from: from, to: to));
        await ProblemAssert.HasStatusAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task A_movement_in_the_future_or_of_nothing_is_a_400()
    {
        var fridge = await NewLocationAsync();
        await ProblemAssert.HasStatusAsync(await PostAsync(api.Lead, Move("count_adjustment", "STFUT-BLONDE-355", 1, to: fridge, occurredAt: DateTimeOffset.UtcNow.AddDays(1))), HttpStatusCode.BadRequest, "occurredAt");
        await ProblemAssert.HasStatusAsync(await PostAsync(api.Lead, Move("count_adjustment", "STFUT-BLONDE-355", 0, to: fridge)), HttpStatusCode.BadRequest, "units");
        await ProblemAssert.HasStatusAsync(await PostAsync(api.Lead, Move("count_adjustment", "NOPE-NOPE-473", 1, to: fridge)), HttpStatusCode.NotFound, "sku");
    }
}
