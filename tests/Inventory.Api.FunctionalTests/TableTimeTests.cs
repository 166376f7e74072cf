using Inventory.Api.Infrastructure;

namespace Inventory.Api.FunctionalTests;

/// <summary>
/// Every calendar notion is the Table's, in Québec time (DESIGN rule 10): a bar's evening sale belongs to that
/// evening's date, weeks run Monday to Sunday in Québec, prices change at Québec midnight, across both changes of
/// daylight time. Each of these failed when days were UTC days.
/// </summary>
public sealed class TableTimeTests(ConcurrentInventoryApi api) : IClassFixture<ConcurrentInventoryApi>
{
    private static readonly TimeZoneInfo Quebec = TimeZoneInfo.FindSystemTimeZoneById("America/Toronto");

    /// <summary>An instant given as Québec's clocks show it.</summary>
    private static DateTimeOffset Montreal(int year, int month, int day, int hour, int minute = 0)
    {
        var local = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Quebec.GetUtcOffset(local));
    }

    private async Task<string> PlacedKioskAsync()
    {
        var location = $"kiosk-{Guid.NewGuid():N}"[..20];
        var device = $"kiosk-{Guid.NewGuid():N}"[..20];
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/locations", new { code = location, name = location, kind = "festival_kiosk", region = "Québec" }));
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync($"/api/v1/devices/{device}", new { kind = "kiosk", location })).StatusCode);
        return device;
    }

    private async Task SellAsync(string device, long seq, DateTimeOffset at, int units, string sku = "STFUT-EPAULE-473")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/device-reports/sales")
        {
            Content = JsonContent.Create(new
            {
                deviceId = device, seq, ts = at, saleId = $"{device}-{seq}", payment = "card",
                lines = new[] { new { sku, units, unitPriceCents = 700 } },
            }),
        };
        request.Headers.Add("Idempotency-Key", $"{device}:{seq}");
        await InventoryApi.Created(api.Gateway.SendAsync(request));
    }

    private async Task<long> KioskUnitsAsync(string from, string to) =>
        (await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/sales/revenue?from={from}&to={to}"))!
            .Where(r => r.GetProperty("channel").GetString() == "kiosk").Sum(r => r.GetProperty("units").GetInt64());

    [Fact]
    public async Task A_sale_at_nine_in_the_evening_belongs_to_that_evenings_date()
    {
        var device = await PlacedKioskAsync();
        await SellAsync(device, 1, Montreal(2026, 9, 30, 21), 3);   // 01:00 UTC on 1 October

        Assert.Equal(3, await KioskUnitsAsync("2026-09-30", "2026-09-30"));
        Assert.Equal(0, await KioskUnitsAsync("2026-10-01", "2026-10-01"));
    }

    [Fact]
    public async Task The_days_around_the_autumn_change_of_time_are_quebec_days()
    {
        // First Sunday of November 2026: clocks go back at 02:00 (EDT → EST); that day has 25 hours.
        var device = await PlacedKioskAsync();
        await SellAsync(device, 1, Montreal(2026, 11, 1, 0, 30), 1);   // EDT: 04:30 UTC
        await SellAsync(device, 2, Montreal(2026, 11, 1, 23, 30), 2);  // EST: 04:30 UTC on the 2nd
        await SellAsync(device, 3, Montreal(2026, 11, 2, 0, 30), 4);   // EST: 05:30 UTC on the 2nd

        Assert.Equal(3, await KioskUnitsAsync("2026-11-01", "2026-11-01"));
        Assert.Equal(4, await KioskUnitsAsync("2026-11-02", "2026-11-02"));
    }

    [Fact]
    public async Task The_days_around_the_spring_change_of_time_are_quebec_days()
    {
        // Second Sunday of March 2026: clocks go forward at 02:00 (EST → EDT); that day has 23 hours.
        var device = await PlacedKioskAsync();
        await SellAsync(device, 1, Montreal(2026, 3, 7, 23, 45), 1);   // EST: 04:45 UTC on the 8th
        await SellAsync(device, 2, Montreal(2026, 3, 8, 0, 15), 2);    // EST: 05:15 UTC
        await SellAsync(device, 3, Montreal(2026, 3, 8, 23, 45), 4);   // EDT: 03:45 UTC on the 9th

        Assert.Equal(1, await KioskUnitsAsync("2026-03-07", "2026-03-07"));
        Assert.Equal(6, await KioskUnitsAsync("2026-03-08", "2026-03-08"));
    }

    [Fact]
    public async Task A_fridge_week_runs_monday_to_sunday_in_quebec_and_a_price_changes_at_quebec_midnight()
    {
        const string sku = "AUBE-IPA-473";
        var location = $"frigo-{Guid.NewGuid():N}"[..20];
        var device = $"fridge-{Guid.NewGuid():N}"[..20];
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/locations", new { code = location, name = location, kind = "coop_fridge", region = "Mauricie" }));
        Assert.Equal(HttpStatusCode.OK, (await api.Lead.PutAsJsonAsync($"/api/v1/devices/{device}", new { kind = "fridge", location })).StatusCode);
        var sunday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-14);
        while (sunday.DayOfWeek != DayOfWeek.Sunday) sunday = sunday.AddDays(-1);
        var monday = sunday.AddDays(1);
        await InventoryApi.Created(api.Aube.PostAsJsonAsync("/api/v1/prices", new { sku, channel = "fridge", unitPriceCents = 400, validFrom = "2020-01-01", validTo = sunday }));
        await InventoryApi.Created(api.Aube.PostAsJsonAsync("/api/v1/prices", new { sku, channel = "fridge", unitPriceCents = 500, validFrom = monday }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku, units = 30, to = "aube-brasserie", occurredAt = Montreal(sunday.Year, sunday.Month, sunday.Day, 8) }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "transfer", sku, units = 30, from = "aube-brasserie", to = location, occurredAt = Montreal(sunday.Year, sunday.Month, sunday.Day, 9) }));

        async Task CountAsync(long seq, DateTimeOffset at, int units)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/device-reports/stock-counts")
            {
                Content = JsonContent.Create(new { deviceId = device, seq, ts = at, items = new[] { new { sku, units } } }),
            };
            request.Headers.Add("Idempotency-Key", $"{device}:{seq}");
            await InventoryApi.Created(api.Gateway.SendAsync(request));
        }
        await CountAsync(1, Montreal(sunday.Year, sunday.Month, sunday.Day, 22), 25);   // Sunday evening: 5 sold (UTC: Monday)
        await CountAsync(2, Montreal(monday.Year, monday.Month, monday.Day, 21), 23);   // Monday evening: 2 sold

        var weeks = (await api.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/sales/fridges?weeks=5"))!
            .Where(r => r.GetProperty("fridge").GetString() == location)
            .ToDictionary(r => DateOnly.Parse(r.GetProperty("weekOf").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
                          r => (r.GetProperty("units").GetInt64(), r.GetProperty("revenueCents").GetInt64()));
        Assert.Equal((5L, 5 * 400L), weeks[TableCalendar.MondayOf(sunday)]); // Sunday's week, at Sunday's price
        Assert.Equal((2L, 2 * 500L), weeks[monday]);

        // A past period by its days: Monday alone, then a period that asks for weeks too (refused, naming the field).
        var mondayOnly = (await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/sales/fridges?from={monday:yyyy-MM-dd}&to={monday:yyyy-MM-dd}"))!
            .Single(r => r.GetProperty("fridge").GetString() == location);
        Assert.Equal((2L, monday.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
            (mondayOnly.GetProperty("units").GetInt64(), mondayOnly.GetProperty("weekOf").GetString()));
        var both = await api.Lead.GetAsync($"/api/v1/sales/fridges?weeks=2&from={monday:yyyy-MM-dd}");
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
        Assert.Contains("weeks", await both.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("2026-11-01", "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z")] // 25 hours
    [InlineData("2026-03-08", "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z")] // 23 hours
    [InlineData("2026-07-14", "2026-07-14T04:00:00Z", "2026-07-15T04:00:00Z")]
    [InlineData("2026-01-15", "2026-01-15T05:00:00Z", "2026-01-16T05:00:00Z")]
    public void A_table_day_starts_and_ends_at_quebec_midnight(string day, string start, string end)
    {
        var calendar = new TableCalendar(Quebec, TimeProvider.System);
        var (from, to) = calendar.Days(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse(end, System.Globalization.CultureInfo.InvariantCulture)), (from, to));
        Assert.Equal(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), calendar.DateOf(to.AddTicks(-1)));
    }

    [Fact]
    public void An_unknown_zone_stops_the_api_naming_the_setting()
    {
        var result = new TableOptionsValidator().Validate(null, new TableOptions { TimeZone = "Quebec/Nowhere" });
        Assert.True(result.Failed);
        Assert.Contains("Table__TimeZone", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new TableOptionsValidator().Validate(null, new TableOptions()).Succeeded);
    }

    [Fact]
    public async Task Pages_show_times_on_the_tables_clock_with_its_abbreviation_in_the_readers_language()
    {
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku = "STFUT-BLONDE-355", units = 1, to = "stfut-brasserie", occurredAt = "2026-01-15T15:30:00Z" }));
        await InventoryApi.Created(api.Lead.PostAsJsonAsync("/api/v1/movements", new { kind = "production", sku = "STFUT-BLONDE-355", units = 1, to = "stfut-brasserie", occurredAt = "2026-07-14T18:03:00Z" }));

        var browser = await api.SignedInAsync("lea");
        var french = await browser.GetStringAsync("/stock");
        Assert.Contains("2026-01-15 10:30 HNE", french);
        Assert.Contains("2026-07-14 14:03 HAE", french);
        var english = await (await browser.GetAsync("/langue?l=en&retour=/stock")).Content.ReadAsStringAsync();
        Assert.Contains("2026-01-15 10:30 EST", english);
        Assert.Contains("2026-07-14 14:03 EDT", english);
    }
}
