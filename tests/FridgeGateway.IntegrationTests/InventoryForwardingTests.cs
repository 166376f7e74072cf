using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using FrigoCoop.TestSupport;

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
