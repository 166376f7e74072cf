using System.Collections.Concurrent;
using System.Text.Json;
using FrigoCoop.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using MQTTnet;

namespace FridgeGateway.IntegrationTests;

/// <summary>
/// The forwarding to the inventory API, against a substitute that speaks the API's contract
/// (the real API is tested end to end in tests/EndToEnd).
/// </summary>
public sealed class InventoryForwardingTests
{
    [Fact]
    public async Task Sales_and_stock_counts_reach_the_inventory_api_once_each_across_an_outage()
    {
        var port = AppProcess.FreePort();
        var received = new ConcurrentDictionary<string, JsonElement>();
        var attempts = 0;
        var down = true;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var api = builder.Build();
        api.MapPost("/api/v1/device-reports/{kind}", async (string kind, HttpRequest request) =>
        {
            Interlocked.Increment(ref attempts);
            if (request.Headers["X-Api-Key"] != "test-gateway-key") return Results.Unauthorized();
            if (down) return Results.StatusCode(503);
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
            if (body.GetProperty("deviceId").GetString()!.EndsWith("-404", StringComparison.Ordinal))
                return Results.Problem("unknown device", statusCode: 404);
            received.TryAdd($"{kind} {request.Headers["Idempotency-Key"]}", body); // a replay returns the first answer
            return Results.Created();
        });
        await api.StartAsync();

        await using var h = await GatewayHarness.StartAsync(new()
        {
            ["Inventory__BaseUrl"] = $"http://127.0.0.1:{port}",
            ["Inventory__ApiKey"] = "test-gateway-key",
        });
        var kiosk = h.Device("kiosk", 3);
        var ts = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        for (var seq = 1; seq <= 20; seq++)
            await h.PublishAsync($"coop/v1/kiosks/{kiosk}/sales",
                $$"""{"seq":{{seq}},"ts":"{{ts}}","saleId":"{{kiosk}}-{{seq}}","lines":[{"sku":"STFUT-EPAULE-473","units":2,"unitPriceCents":900}],"payment":"card"}""");
        await h.PublishAsync($"coop/v1/kiosks/{kiosk}/stock", $$"""{"seq":21,"ts":"{{ts}}","items":[{"sku":"STFUT-EPAULE-473","units":11}]}""");
        await h.PublishAsync($"coop/v1/kiosks/{h.Device("kiosk", 404)}/sales",
            $$"""{"seq":1,"ts":"{{ts}}","saleId":"x-1","lines":[{"sku":"STFUT-EPAULE-473","units":1,"unitPriceCents":900}]}""");

        // While the API is down, InfluxDB still gets every sale: one sink's outage does not block the other.
        await h.WaitForCountAsync("kiosk_sale", kiosk, 20);
        await Eventually.Returns(() => Task.FromResult(Volatile.Read(ref attempts)), a => a > 0, TimeSpan.FromSeconds(30), "the gateway to try the API");
        Assert.Empty(received);
        down = false;

        // Every harness gateway sees every device's messages (its own shared group): only this kiosk's count here.
        IEnumerable<string> Mine() => received.Keys.Where(k => k.EndsWith($" {kiosk}:{k.Split(':')[^1]}", StringComparison.Ordinal));
        await Eventually.Returns(() => Task.FromResult(Mine().Count()), n => n >= 21, TimeSpan.FromSeconds(60), "every report in the API");
        Assert.Equal(Enumerable.Range(1, 20).Select(s => $"sales {kiosk}:{s}").Append($"stock-counts {kiosk}:21").Order(), Mine().Order());
        var sale = received[$"sales {kiosk}:7"];
        Assert.Equal(kiosk, sale.GetProperty("deviceId").GetString());
        Assert.Equal($"{kiosk}-7", sale.GetProperty("saleId").GetString());
        Assert.Equal(900, sale.GetProperty("lines")[0].GetProperty("unitPriceCents").GetInt32());
        Assert.Equal(11, received[$"stock-counts {kiosk}:21"].GetProperty("items")[0].GetProperty("units").GetInt32());
    }
}

/// <summary>Alert transitions reach the inventory API (issue 18) through the same durable sink, once each; an unknown device's is dead-lettered, not retried.</summary>
[Collection(AlertsAlone.Name)]
public sealed class AlertForwardingTests
{
    [Fact]
    public async Task A_raise_and_its_clear_reach_the_api_once_each_naming_the_same_alert_with_its_peak()
    {
        var port = AppProcess.FreePort();
        var received = new ConcurrentDictionary<string, JsonElement>();
        var posts = new ConcurrentBag<string>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var api = builder.Build();
        api.MapPost("/api/v1/device-reports/{kind}", async (string kind, HttpRequest request) =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
            if (kind != "alerts") return Results.Created();
            posts.Add(request.Headers["Idempotency-Key"]!);
            if (body.GetProperty("deviceId").GetString()!.EndsWith("-404", StringComparison.Ordinal)) return Results.Problem("deviceId: device not found", statusCode: 404);
            received.TryAdd(request.Headers["Idempotency-Key"]!, body);
            return Results.Created();
        });
        await api.StartAsync();
        await using var h = await GatewayHarness.StartAsync(new() { ["Inventory__BaseUrl"] = $"http://127.0.0.1:{port}", ["Inventory__ApiKey"] = "k" });
        var (fridge, unknown) = (h.Device("fridge", 21), h.Device("fridge", 404));
        var letters = new ConcurrentQueue<JsonElement>();
        using var watcher = await Mqtt.ConnectAsGatewayAsync($"dl-{h.Name}");
        watcher.ApplicationMessageReceivedAsync += e =>
        {
            letters.Enqueue(JsonSerializer.Deserialize<JsonElement>(e.ApplicationMessage.ConvertPayloadToString()));
            return Task.CompletedTask;
        };
        await watcher.SubscribeAsync("coop/v1/gateway/deadletter", MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce);
        var t0 = DateTimeOffset.UtcNow.AddHours(-1);
        foreach (var device in new[] { fridge, unknown })
        {
            var topic = $"coop/v1/fridges/{device}/telemetry";
            await h.PublishAsync(topic, GatewayHarness.Reading(1, t0, 9));
            await h.PublishAsync(topic, GatewayHarness.Reading(2, t0.AddMinutes(16), 11.5)); // raised (15 min above 8 °C)
            await h.PublishAsync(topic, GatewayHarness.Reading(3, t0.AddMinutes(20), 13.25));
            await h.PublishAsync(topic, GatewayHarness.Reading(4, t0.AddMinutes(30), 5));    // cleared
        }

        var mine = await Eventually.Returns(() => Task.FromResult(received.Where(r => r.Key.StartsWith($"{fridge}:alert:temperature_high:", StringComparison.Ordinal)).ToList()),
            r => r.Count >= 2, TimeSpan.FromSeconds(60), "the raise and the clear in the API");
        var raised = mine.Single(r => r.Value.GetProperty("state").GetString() == "raised").Value;
        var cleared = mine.Single(r => r.Value.GetProperty("state").GetString() == "cleared").Value;
        Assert.Equal(t0.ToUnixTimeMilliseconds(), raised.GetProperty("startedAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Equal(raised.GetProperty("startedAt").GetString(), cleared.GetProperty("startedAt").GetString());
        Assert.Equal((11.5, 13.25), (raised.GetProperty("peak").GetDouble(), cleared.GetProperty("peak").GetDouble()));
        Assert.Equal($"{fridge}:alert:temperature_high:raised:{t0.ToUnixTimeMilliseconds()}", mine.Single(r => r.Value.GetProperty("state").GetString() == "raised").Key);

        // The unknown device's raise was refused once and dead-lettered with the API's reason, not retried.
        var refused = await Eventually.Returns(() => Task.FromResult(letters.Where(d => d.GetProperty("topic").GetString() == $"coop/v1/alerts/{unknown}/temperature_high").ToList()),
            d => d.Count >= 2, TimeSpan.FromSeconds(30), "the unknown device's alerts dead-lettered");
        Assert.All(refused, letter => Assert.Contains("inventory refused: inventory API 404", letter.GetProperty("reason").GetString()));
        Assert.Equal(2, posts.Count(k => k.StartsWith($"{unknown}:alert:", StringComparison.Ordinal)));
    }
}

/// <summary>A report the API fails on for ever (DESIGN rule 7): quarantined, and the reports behind it flow.</summary>
public sealed class InventoryQuarantineTests
{
    [Fact]
    public async Task A_report_the_api_answers_500_for_ever_is_quarantined_and_the_reports_behind_it_land_once()
    {
        var port = AppProcess.FreePort();
        var received = new ConcurrentDictionary<string, int>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var api = builder.Build();
        api.MapGet("/readyz", () => Results.Ok());
        api.MapPost("/api/v1/device-reports/{kind}", async (string kind, HttpRequest request) =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
            // Every device's traffic reaches this gateway (its own subscription group): only the poison sale fails.
            if (body.TryGetProperty("saleId", out var saleId) && saleId.GetString()!.EndsWith("-poison", StringComparison.Ordinal))
                return Results.Problem("NullReferenceException in the ledger", statusCode: 500);
            received.AddOrUpdate(request.Headers["Idempotency-Key"].ToString(), 1, (_, n) => n + 1);
            return Results.Created();
        });
        await api.StartAsync();

        await using var h = await GatewayHarness.StartAsync(new()
        {
            ["Inventory__BaseUrl"] = $"http://127.0.0.1:{port}",
            ["Inventory__ApiKey"] = "test-gateway-key",
            ["Resilience__QuarantineAfterAttempts"] = "3",
        });
        var kiosk = h.Device("kiosk", 5);
        var ts = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        string Sale(int seq, string saleId) =>
            $$"""{"seq":{{seq}},"ts":"{{ts}}","saleId":"{{saleId}}","lines":[{"sku":"STFUT-EPAULE-473","units":1,"unitPriceCents":900}]}""";
        await h.PublishAsync($"coop/v1/kiosks/{kiosk}/sales", Sale(1, $"{kiosk}-poison"));
        for (var seq = 2; seq <= 11; seq++) await h.PublishAsync($"coop/v1/kiosks/{kiosk}/sales", Sale(seq, $"{kiosk}-{seq}"));

        var quarantine = Path.Combine(h.SpoolDirectory, "inventory", "quarantine.jsonl");
        await Eventually.Holds(async () => File.Exists(quarantine) && await h.SpooledBytesAsync() == 0, TimeSpan.FromSeconds(60),
            "the poison sale quarantined and the inventory spool empty");
        Assert.Equal(Enumerable.Range(2, 10).Select(s => $"{kiosk}:{s}").Order(), received.Keys.Where(k => k.StartsWith(kiosk, StringComparison.Ordinal)).Order());
        var line = JsonDocument.Parse(Assert.Single(await File.ReadAllLinesAsync(quarantine))).RootElement;
        Assert.Equal($"{kiosk}:1", line.GetProperty("key").GetString());
        Assert.Contains("500", line.GetProperty("reason").GetString());
        var (_, metrics) = await h.GetAsync("/metrics");
        Assert.Matches(new System.Text.RegularExpressions.Regex("""^gateway_items_quarantined_total\{[^}]*sink="inventory"[^}]*\} 1( |$)""",
            System.Text.RegularExpressions.RegexOptions.Multiline), metrics);
    }
}
