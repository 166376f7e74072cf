namespace Inventory.Api.FunctionalTests;

/// <summary>Fridge status read from a known telemetry history written to the real InfluxDB.</summary>
public sealed class FridgeStatusTests(InventoryApi api) : IClassFixture<InventoryApi>
{
    private static long Ns(DateTimeOffset t) => t.ToUnixTimeMilliseconds() * 1_000_000;

    [Fact]
    public async Task The_fleet_shows_each_devices_last_reading_and_its_active_alerts()
    {
        await api.Lead.PutAsJsonAsync("/api/v1/devices/fridge-status-01", new { kind = "fridge", location = "frigo-coop-01" });
        await api.Lead.PutAsJsonAsync("/api/v1/devices/fridge-status-02", new { kind = "fridge", location = "frigo-coop-02" });
        var now = DateTimeOffset.UtcNow;
        await api.Influx.WriteAsync(string.Join('\n',
            $"fridge_reading,device=fridge-status-01,kind=fridge temp_c=3.1,door_open=false,on_battery=false,power_w=90,battery_pct=100,seq=1i {Ns(now.AddMinutes(-10))}",
            $"fridge_reading,device=fridge-status-01,kind=fridge temp_c=9.4,door_open=true,on_battery=true,power_w=0,battery_pct=80,seq=2i {Ns(now.AddMinutes(-2))}",
            $"alert,device=fridge-status-01,type=power_lost state=\"raised\",detail=\"on battery\" {Ns(now.AddMinutes(-3))}",
            $"alert,device=fridge-status-01,type=door_open_too_long state=\"raised\" {Ns(now.AddMinutes(-9))}",
            $"alert,device=fridge-status-01,type=door_open_too_long state=\"cleared\" {Ns(now.AddMinutes(-8))}"));

        var fleet = await api.StFut.GetFromJsonAsync<JsonElement[]>("/api/v1/fridges");

        var one = fleet!.Single(f => f.GetProperty("deviceId").GetString() == "fridge-status-01");
        var latest = one.GetProperty("latest");
        Assert.Equal((9.4, true, true), (latest.GetProperty("tempC").GetDouble(), latest.GetProperty("doorOpen").GetBoolean(), latest.GetProperty("onBattery").GetBoolean()));
        Assert.Equal(now.AddMinutes(-2).ToUnixTimeMilliseconds(), one.GetProperty("lastSeen").GetDateTimeOffset().ToUnixTimeMilliseconds());
        var alert = Assert.Single(one.GetProperty("activeAlerts").EnumerateArray());
        Assert.Equal(("power_lost", "on battery"), (alert.GetProperty("type").GetString(), alert.GetProperty("detail").GetString()));
        var silent = fleet!.Single(f => f.GetProperty("deviceId").GetString() == "fridge-status-02");
        Assert.Equal(JsonValueKind.Null, silent.GetProperty("latest").ValueKind);
    }

    [Fact]
    public async Task The_temperature_history_is_averaged_per_interval()
    {
        var start = new DateTimeOffset(2026, 7, 14, 12, 0, 0, TimeSpan.Zero);
        await api.Influx.WriteAsync(string.Join('\n', Enumerable.Range(0, 12).Select(i =>
            $"fridge_reading,device=fridge-hist-01,kind=fridge temp_c={(i < 6 ? 3 : 5)},seq={i}i {Ns(start.AddMinutes(i * 5))}")));

        var points = await api.Lead.GetFromJsonAsync<JsonElement[]>($"/api/v1/fridges/fridge-hist-01/temperatures?from={Uri.EscapeDataString(start.ToString("O"))}&to={Uri.EscapeDataString(start.AddHours(1).ToString("O"))}&every=1h");
        var hour = Assert.Single(points!);
        Assert.Equal((4.0, 3.0, 5.0), (hour.GetProperty("meanC").GetDouble(), hour.GetProperty("minC").GetDouble(), hour.GetProperty("maxC").GetDouble()));

        await ProblemAssert.HasStatusAsync(await api.Lead.GetAsync("/api/v1/fridges/fridge-hist-01/temperatures?every=7m"), HttpStatusCode.BadRequest, "every");
        await ProblemAssert.HasStatusAsync(await api.Lead.GetAsync("/api/v1/fridges/x'%20OR%201=1/temperatures"), HttpStatusCode.BadRequest, "deviceId");
    }

    [Fact]
    public async Task A_temperature_series_has_at_most_a_day_of_minutes_the_interval_widened_to_fit()
    {
        var start = new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero);
        await api.Influx.WriteAsync(string.Join('\n', Enumerable.Range(0, 2000).Select(i =>
            $"fridge_reading,device=fridge-cap-01,kind=fridge temp_c=4,seq={i}i {Ns(start.AddMinutes(i))}")));
        string Url(DateTimeOffset from, DateTimeOffset to) =>
            $"/api/v1/fridges/fridge-cap-01/temperatures?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}&every=1m";

        var day = await api.StFut.GetFromJsonAsync<JsonElement[]>(Url(start, start.AddDays(1)));
        var year = await api.StFut.GetFromJsonAsync<JsonElement[]>(Url(start.AddDays(-300), start.AddDays(65)));

        Assert.Equal(FridgeStatus.FleetReader.MaxTemperaturePoints, day!.Length);
        // A year of minutes would be 2,000 rows here (525,600 with a year of readings): it comes a point a day.
        Assert.Equal([start, start.AddDays(1)], year!.Select(p => p.GetProperty("at").GetDateTimeOffset()));
    }

    [Fact]
    public async Task The_gateway_key_cannot_read_fridge_status()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await api.Gateway.GetAsync("/api/v1/fridges")).StatusCode);
    }
}
