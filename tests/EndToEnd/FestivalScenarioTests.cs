namespace EndToEnd;

/// <summary>
/// The festival day (firmware-sim/scenarios/festival-day.json) through the real broker, gateway,
/// InfluxDB and inventory API: what the scenario file says the platform must show afterwards.
/// </summary>
public sealed class FestivalScenarioTests
{
    [Fact]
    public async Task A_festival_day_shows_its_alerts_its_sales_once_its_fridge_status_and_its_dead_letters()
    {
        await using var platform = await Platform.StartAsync();
        var scenario = JsonSerializer.Deserialize<JsonElement>(await File.ReadAllTextAsync(Path.Combine(LocalServices.RepositoryRoot, "firmware-sim", "scenarios", "festival-day.json")));
        var expect = scenario.GetProperty("expect");

        var summary = await platform.RunScenarioAsync("festival-day");

        // Every kiosk sale in the ledger exactly once, and in InfluxDB.
        var sold = summary.GetProperty("UnitsSold").GetInt32();
        Assert.True(sold > 100, $"a festival day sells: {sold} units");
        const string kioskSales = "kind = 'sale' AND device_id IN (SELECT device_id FROM devices WHERE kind = 'kiosk')";
        await Eventually.Returns(() => platform.ScalarAsync($"SELECT coalesce(sum(units), 0) FROM movements WHERE {kioskSales}"), units => units >= sold,
            TimeSpan.FromSeconds(90), $"{sold} units sold in the ledger");
        Assert.Equal(sold, await platform.ScalarAsync($"SELECT coalesce(sum(units), 0) FROM movements WHERE {kioskSales}"));
        Assert.Equal(0, await platform.ScalarAsync($"SELECT count(*) FROM (SELECT reason, sku, lot_code FROM movements WHERE {kioskSales} GROUP BY 1, 2, 3 HAVING count(*) > 1) twice"));
        // The fridges report no sales: what their shelf counts found gone was recorded as their sales.
        await Eventually.Returns(() => platform.ScalarAsync("SELECT coalesce(sum(units), 0) FROM movements WHERE kind = 'sale' AND device_id IN (SELECT device_id FROM devices WHERE kind = 'fridge')"),
            units => units > 0, TimeSpan.FromSeconds(30), "the fridges' counts to become sales");
        var influxUnits = await platform.Influx.RowsAsync("SELECT sum(units) FROM kiosk_sale");
        Assert.Equal(sold, influxUnits[0]["sum"].GetInt64());

        // The alerts the scenario expects, raised and then cleared.
        var alerts = await Eventually.Returns(() => platform.Influx.RowsAsync("SELECT state FROM alert GROUP BY device, type"),
            rows => expect.GetProperty("alertsCleared").EnumerateArray().All(e => rows.Any(r => $"{r["device"].GetString()}/{r["type"].GetString()}" == e.GetString() && r["state"].GetString() == "cleared")),
            TimeSpan.FromSeconds(30), "the expected alerts to clear");
        foreach (var raised in expect.GetProperty("alertsRaised").EnumerateArray().Select(e => e.GetString()))
            Assert.Contains(alerts, r => $"{r["device"].GetString()}/{r["type"].GetString()}" == raised && r["state"].GetString() == "raised");

        // Fridge status through the API matches the last reading each kiosk sent. (A misbehaving kiosk's
        // reading with a ts three days ahead is timed at its receipt, so it is that kiosk's newest: left out.)
        var misbehaving = scenario.GetProperty("happenings").EnumerateArray().Where(h => h.GetProperty("type").GetString() == "misbehave")
            .Select(h => h.GetProperty("device").GetString()).ToHashSet();
        // The last readings may still be in the gateway's batch (its linger) when the simulator stops: waited for.
        var lastSent = summary.GetProperty("LastTempC").EnumerateObject().Where(d => !misbehaving.Contains(d.Name))
            .ToDictionary(d => d.Name, d => Math.Round(d.Value.GetDouble(), 2));
        var fleet = await Eventually.Returns(async () => (await platform.Lead.GetFromJsonAsync<JsonElement[]>("/api/v1/fridges"))!,
            rows => lastSent.All(d => rows.Any(f => f.GetProperty("deviceId").GetString() == d.Key
                && f.GetProperty("latest").ValueKind == JsonValueKind.Object && Math.Round(f.GetProperty("latest").GetProperty("tempC").GetDouble(), 2) == d.Value)),
            TimeSpan.FromSeconds(30), "each kiosk's status to show the last reading it sent");
        foreach (var (device, tempC) in lastSent)
        {
            var status = fleet.Single(f => f.GetProperty("deviceId").GetString() == device);
            Assert.Equal(tempC, status.GetProperty("latest").GetProperty("tempC").GetDouble(), 2);
        }

        // The misbehaving kiosk's bad input was dead-lettered (its other device's topic was refused by the broker).
        var minimum = expect.GetProperty("minDeadLetters").GetInt32();
        var letters = await Eventually.Returns(() => Task.FromResult(platform.DeadLetters.Where(l => l.GetProperty("topic").GetString()!.Contains("kiosk-fest-06")).ToList()),
            l => l.Count >= minimum, TimeSpan.FromSeconds(30), $"{minimum} dead letters from kiosk-fest-06");
        Assert.Contains(letters, l => l.GetProperty("reason").GetString()!.StartsWith("invalid JSON", StringComparison.Ordinal));
        Assert.Contains(letters, l => l.GetProperty("reason").GetString()!.Contains("wrong type", StringComparison.Ordinal));
        Assert.Contains(letters, l => l.GetProperty("reason").GetString()!.StartsWith("payload is", StringComparison.Ordinal));
        Assert.True(summary.GetProperty("Refused").GetInt64() >= 1, "the broker refuses a device publishing under another device's id");
    }
}
