using System.Collections.Concurrent;
using System.Text.Json;
using FrigoCoop.TestSupport;
using MQTTnet;
using MQTTnet.Protocol;

namespace FridgeGateway.IntegrationTests;

[Collection(AlertsAlone.Name)]
public sealed class AlertTests
{
    [Fact]
    public async Task A_warm_fridge_raises_temperature_high_retained_and_a_late_older_reading_does_not_undo_the_clear()
    {
        await using var h = await GatewayHarness.StartAsync();
        var device = h.Device("fridge", 7);
        var t0 = DateTimeOffset.UtcNow.AddHours(-2);
        var topic = $"coop/v1/fridges/{device}/telemetry";

        await h.PublishAsync(topic, GatewayHarness.Reading(1, t0, 9));
        await h.PublishAsync(topic, GatewayHarness.Reading(2, t0.AddMinutes(16), 9.5));
        Assert.Equal("raised", await RetainedStateAsync(device, "temperature_high", "raised"));

        await h.PublishAsync(topic, GatewayHarness.Reading(4, t0.AddMinutes(40), 3.5)); // clears
        await h.PublishAsync(topic, GatewayHarness.Reading(3, t0.AddMinutes(30), 12)); // older, arrives last
        await h.PublishAsync(topic, GatewayHarness.Reading(5, t0.AddMinutes(41), 3.4));
        await h.WaitForCountAsync("fridge_reading", device, 5);

        Assert.Equal("cleared", await RetainedStateAsync(device, "temperature_high", "cleared"));
        var alerts = await h.Influx.RowsAsync($"SELECT state, value FROM alert WHERE device = '{device}' AND type = 'temperature_high'");
        Assert.Equal(["raised", "cleared"], alerts.Select(a => a["state"].GetString()));
    }

    [Fact]
    public async Task A_power_cut_at_a_kiosk_raises_and_restoring_power_clears_power_lost()
    {
        await using var h = await GatewayHarness.StartAsync();
        var kiosk = h.Device("kiosk", 2);
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-30);

        await h.PublishAsync($"coop/v1/kiosks/{kiosk}/events", $$"""{"seq":1,"ts":"{{t0:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}}","type":"power_lost"}""");
        Assert.Equal("raised", await RetainedStateAsync(kiosk, "power_lost", "raised"));
        await h.PublishAsync($"coop/v1/kiosks/{kiosk}/events", $$"""{"seq":2,"ts":"{{t0.AddMinutes(12):yyyy-MM-dd'T'HH:mm:ss.fff'Z'}}","type":"power_restored"}""");
        Assert.Equal("cleared", await RetainedStateAsync(kiosk, "power_lost", "cleared"));
    }

    /// <summary>Reads the retained alert as a newcomer would: a fresh subscription gets the retained message.</summary>
    private static async Task<string> RetainedStateAsync(string device, string type, string expected)
    {
        return await Eventually.Returns(async () =>
        {
            using var client = await Mqtt.ConnectAsGatewayAsync();
            var retained = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            client.ApplicationMessageReceivedAsync += e =>
            {
                var body = JsonSerializer.Deserialize<JsonElement>(e.ApplicationMessage.ConvertPayloadToString());
                retained.TrySetResult(body.GetProperty("state").GetString()!);
                return Task.CompletedTask;
            };
            await client.SubscribeAsync($"coop/v1/alerts/{device}/{type}", MqttQualityOfServiceLevel.AtLeastOnce);
            try { return await retained.Task.WaitAsync(TimeSpan.FromSeconds(1)); }
            catch (TimeoutException) { return "none"; }
        }, state => state == expected, TimeSpan.FromSeconds(30), $"retained {type} of {device} to be {expected}");
    }
}

/// <summary>
/// The alert tests read retained alert topics, which every gateway running at the time publishes for every
/// device it sees (each test's gateway has its own shared group, so it sees all the devices of all tests):
/// another test's gateway, holding another state for the same device, could overwrite a retained clear
/// with its raise. They run alone, after the tests that run in parallel.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AlertsAlone
{
    public const string Name = "alerts, alone";
}

