namespace Inventory.Api.FunctionalTests;

/// <summary>
/// A COOP fridge's sales are a function of its counts and movements in event time, whatever order they reach the
/// API in (DESIGN rule 10, docs/ledger.md): a late count, a backdated delivery or removal, a line ticked after the
/// door closed re-derive what follows them, posted as adjusting movements. Each scenario failed on the code that
/// compared a count with the ledger as it stood on arrival.
/// </summary>
public sealed class EventTimeSellThroughTests(ConcurrentInventoryApi api) : IClassFixture<ConcurrentInventoryApi>
{
    private const string Sku = "STFUT-BLONDE-355";
    private static readonly DateTimeOffset Day = DateTimeOffset.UtcNow.Date.AddDays(-2);
    private static DateTimeOffset At(int hour, int minute = 0) => Day.AddHours(hour).AddMinutes(minute);

    private async Task<(string Device, string Location)> PlacedFridgeAsync()
    {
        var location = $"frigo-{Guid.NewGuid():N}"[..20];
        var device = $"fridge-{Guid.NewGuid():N}"[..20];
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/locations", new { code = location, name = $"Frigo {location}", kind = "coop_fridge", region = "Montérégie" }));
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync($"/api/v1/devices/{device}", new { kind = "fridge", location })).StatusCode);
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku = Sku, units = 500, to = "stfut-brasserie", occurredAt = Day.AddDays(-1) }));
        return (device, location);
    }

    private async Task MoveAsync(string location, int units, DateTimeOffset at, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/movements")
        {
            Content = JsonContent.Create(units > 0
                ? new { kind = "transfer", sku = Sku, units, from = "stfut-brasserie", to = location, occurredAt = at }
                : new { kind = "transfer", sku = Sku, units = -units, from = location, to = "stfut-brasserie", occurredAt = at }),
        };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        await InventoryApi.Created(api.Lead.SendAsync(request));
    }

    private async Task CountAsync(string device, long seq, DateTimeOffset at, int units)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/device-reports/stock-counts")
        {
            Content = JsonContent.Create(new { deviceId = device, seq, ts = at, items = units == 0 ? [] : new[] { new { sku = Sku, units } } }),
        };
        request.Headers.Add("Idempotency-Key", $"{device}:{seq}");
        await InventoryApi.Created(api.Gateway.SendAsync(request));
    }

    private async Task<(long Units, long Revenue)> SoldAsync(string location)
    {
        var weeks = (await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/sales/fridges?weeks=4"))!.Where(r => r.GetProperty("fridge").GetString() == location).ToList();
        return (weeks.Sum(w => w.GetProperty("units").GetInt64()), weeks.Sum(w => w.GetProperty("revenueCents").GetInt64()));
    }

    private async Task<int> OnShelfAsync(string location) =>
        (await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/stock?location={location}"))!.Sum(r => r.GetProperty("units").GetInt32());

    /// <summary>Found stock a later-known fact explains is marked reviewed by it; what remains open is what nobody explained.</summary>
    private async Task AssertNoOpenDiscrepancyAsync(string device)
    {
        var discrepancies = await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/stock/discrepancies");
        Assert.DoesNotContain(discrepancies!, d => d.GetProperty("deviceId").GetString() == device && !d.GetProperty("reviewed").GetBoolean());
    }

    public static TheoryData<int[]> EveryOrderOfThreeCounts => [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];

    [Theory]
    [MemberData(nameof(EveryOrderOfThreeCounts))]
    public async Task Counts_give_the_same_sales_in_whatever_order_they_arrive(int[] order)
    {
        var (device, location) = await PlacedFridgeAsync();
        await MoveAsync(location, 24, At(12));
        (long Seq, DateTimeOffset At, int Units)[] counts = [(1, At(14), 20), (2, At(16), 15), (3, At(18), 11)];
        foreach (var i in order) await CountAsync(device, counts[i].Seq, counts[i].At, counts[i].Units);

        Assert.Equal(13, (await SoldAsync(location)).Units); // 4 + 5 + 4
        Assert.Equal(11, await OnShelfAsync(location));
        await AssertNoOpenDiscrepancyAsync(device);
    }

    [Fact]
    public async Task A_delivery_learnt_of_after_the_count_that_includes_it_is_not_sold()
    {
        var (device, location) = await PlacedFridgeAsync();
        await MoveAsync(location, 3, At(10));
        await CountAsync(device, 1, At(11), 3);
        await CountAsync(device, 2, At(15), 24);   // the driver added 21 at 14:00; the count reaches the API first
        await MoveAsync(location, 21, At(14));     // the delivery, posted with its real time
        await CountAsync(device, 3, At(17), 22);

        Assert.Equal(2, (await SoldAsync(location)).Units);
        Assert.Equal(22, await OnShelfAsync(location));
        // The ledger is append-only: the found stock the 15:00 count first booked is taken back by a movement of its own.
        var adjustments = await api.Lead.GetFromJsonAsync<JsonElement>($"/api/v1/movements?location={location}&kind=count_adjustment");
        Assert.Equal(2, adjustments.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_removal_learnt_of_late_is_not_sold()
    {
        var (device, location) = await PlacedFridgeAsync();
        await MoveAsync(location, 24, At(10));
        await CountAsync(device, 1, At(11), 24);
        await CountAsync(device, 2, At(15), 14);   // 4 sold, 6 taken back to the brewery at 13:00
        await MoveAsync(location, -6, At(13));     // the removal, entered the next day with its real time
        await CountAsync(device, 3, At(17), 12);

        Assert.Equal(6, (await SoldAsync(location)).Units);
        Assert.Equal(12, await OnShelfAsync(location));
    }

    [Fact]
    public async Task A_removal_learnt_of_late_finds_the_units_a_count_had_sold_meanwhile()
    {
        var (device, location) = await PlacedFridgeAsync();
        await MoveAsync(location, 2, At(10));
        await CountAsync(device, 1, At(11), 2);
        await CountAsync(device, 2, At(15), 0);    // the shelf is empty: both look sold, and the ledger holds none
        // Both were taken back at 13:00 (or stolen: the season's theft, a loss recorded after the count, was refused).
        var tooMany = await api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku = Sku, units = 3, from = location, to = "stfut-brasserie", occurredAt = At(13) });
        await ProblemAssert.HasStatusAsync(tooMany, HttpStatusCode.Conflict, "units"); // three never stood there: refused, and nothing of it stays
        Assert.Equal(2, (await SoldAsync(location)).Units);
        await MoveAsync(location, -2, At(13));

        Assert.Equal(0, (await SoldAsync(location)).Units);
        Assert.Equal(0, await OnShelfAsync(location));
    }

    [Fact]
    public async Task A_sale_booked_by_mistake_is_reversed_at_its_price_when_the_late_fact_arrives()
    {
        var (device, location) = await PlacedFridgeAsync();
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/prices", new { sku = Sku, channel = "fridge", unitPriceCents = 425, validFrom = "2020-01-01" }));
        await MoveAsync(location, 24, At(10));
        await CountAsync(device, 1, At(11), 24);
        await CountAsync(device, 3, At(17), 15);   // reaches the API first: 9 look sold since 11:00
        Assert.Equal((9L, 9 * 425L), await SoldAsync(location));
        await MoveAsync(location, -6, At(13));     // 6 were taken back to the brewery at 13:00
        await CountAsync(device, 2, At(15), 16);   // and the 15:00 count arrives last

        // True: 2 sold by 15:00, 1 by 17:00. The 17:00 count's 9 became 1 through reversals at the price they were booked at.
        Assert.Equal((3L, 3 * 425L), await SoldAsync(location));
        Assert.Equal(15, await OnShelfAsync(location));
        var reversals = await api.Lead.GetFromJsonAsync<JsonElement>($"/api/v1/movements?location={location}&kind=sale_reversal");
        Assert.Equal(8, reversals.GetProperty("items").EnumerateArray().Sum(m => m.GetProperty("units").GetInt32()));
    }

    [Theory]
    [InlineData(-3)] // ticked while the door was open
    [InlineData(4)]  // ticked after the door closed (and counted)
    public async Task A_count_and_a_delivery_minutes_apart_match_in_both_orders(int tickedMinutesAfterTheDoor)
    {
        var (device, location) = await PlacedFridgeAsync();
        await MoveAsync(location, 3, At(10));
        await CountAsync(device, 1, At(11), 3);
        await CountAsync(device, 2, At(14, 4), 24);
        await MoveAsync(location, 21, At(14, 4).AddMinutes(tickedMinutesAfterTheDoor));
        await CountAsync(device, 3, At(17), 22);

        Assert.Equal(2, (await SoldAsync(location)).Units);
        await AssertNoOpenDiscrepancyAsync(device);
    }

    [Fact]
    public async Task A_sku_missing_from_one_count_is_given_back_when_the_shelf_shows_it_again()
    {
        var (device, location) = await PlacedFridgeAsync();
        await MoveAsync(location, 12, At(10));
        await CountAsync(device, 1, At(11), 12);
        await CountAsync(device, 2, At(12), 0);    // the sensor missed the SKU: by the contract, 0 on the shelf
        await CountAsync(device, 3, At(13), 11);

        Assert.Equal(1, (await SoldAsync(location)).Units);
        Assert.Equal(11, await OnShelfAsync(location));
        var reversals = await api.Lead.GetFromJsonAsync<JsonElement>($"/api/v1/movements?location={location}&kind=sale_reversal");
        Assert.Equal(11, reversals.GetProperty("items").EnumerateArray().Sum(m => m.GetProperty("units").GetInt32()));
    }

    /// <summary>
    /// The property of issue 28: for random deliveries, sales and right counts of one fridge, reaching the API in a
    /// random order with random duplicates, the derived sales are the true sales up to the last count.
    /// </summary>
    [Fact]
    public async Task Any_arrival_order_of_right_counts_and_deliveries_derives_the_true_sales()
    {
        for (var seed = 1; seed <= 40; seed++)
        {
            var random = new Random(seed);
            var events = Enumerable.Range(0, random.Next(4, 15)).Select(_ => (Kind: random.Next(3), Units: random.Next(1, 13))).ToArray();
            var (device, location) = await PlacedFridgeAsync();
            int level = 0, trueSold = 0, soldByLastCount = 0, seq = 0;
            var facts = new List<Func<Task>>();
            for (var i = 0; i < events.Length; i++)
            {
                var at = At(8).AddMinutes(45 * i);
                var (kind, units) = events[i];
                switch (kind)
                {
                    case 0:
                        level += units;
                        var key = Guid.NewGuid().ToString();
                        facts.Add(() => MoveAsync(location, units, at, key));
                        break;
                    case 1:
                        var sold = Math.Min(units, level);
                        level -= sold;
                        trueSold += sold;
                        break;
                    default:
                        var (s, counted) = (++seq, level);
                        soldByLastCount = trueSold;
                        facts.Add(() => CountAsync(device, s, at, counted));
                        break;
                }
            }
            var arrivals = facts.Concat(facts.Take(random.Next(4))).OrderBy(_ => random.Next()).ToList();
            foreach (var arrive in arrivals) await arrive();

            Assert.True(soldByLastCount == (await SoldAsync(location)).Units, $"seed {seed}: {soldByLastCount} sold, {(await SoldAsync(location)).Units} derived");
        }
    }
}
