using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using FrigoCoop.TestSupport;
using MQTTnet;
using MQTTnet.Protocol;

namespace FridgeGateway.IntegrationTests;

public sealed class DeadLetterTests
{
    [Fact]
    public async Task Each_class_of_bad_input_is_dead_lettered_with_its_reason_while_good_traffic_continues()
    {
        await using var h = await GatewayHarness.StartAsync();
        var device = h.Device("fridge", 1);
        var kiosk = h.Device("kiosk", 1);
        var letters = new ConcurrentQueue<JsonElement>();
        using var watcher = await Mqtt.ConnectAsGatewayAsync($"dl-{h.Name}");
        watcher.ApplicationMessageReceivedAsync += e =>
        {
            var letter = JsonSerializer.Deserialize<JsonElement>(e.ApplicationMessage.ConvertPayloadToString());
            if (letter.GetProperty("topic").GetString()!.Contains(h.Name[..6], StringComparison.Ordinal)) letters.Enqueue(letter);
            return Task.CompletedTask;
        };
        await watcher.SubscribeAsync("coop/v1/gateway/deadletter", MqttQualityOfServiceLevel.AtLeastOnce);

        var telemetry = $"coop/v1/fridges/{device}/telemetry";
        var bad = new (string Topic, string Payload, string Reason)[]
        {
            (telemetry, """{"seq": 1, "tempC": 3.""", "invalid JSON"),
            (telemetry, """{"seq": 2, "tempC": "cold"}""", "tempC has the wrong type"),
            (telemetry, """{"tempC": 3}""", "seq is required"),
            (telemetry, """{"seq": 4, "tempC": 99}""", "tempC 99 is outside"),
            (telemetry, """{"seq": 5, "tempC": 3, "pad": """ + "\"" + new string('x', 20_000) + "\"}", "payload is"),
            ($"coop/v1/fridges/{device}/events", """{"seq": 6, "type": "melted"}""", "type 'melted' is not a known event type"),
            ($"coop/v1/kiosks/{kiosk}/sales", """{"seq": 7, "saleId": "x", "lines": [{"sku": "lower-case", "units": 1, "unitPriceCents": 5}]}""", "lines[0].sku"),
            ($"coop/v1/fridges/{device}/sales", """{"seq": 8}""", "unknown topic kind"),
        };
        var good = 0;
        foreach (var (topic, payload, _) in bad)
        {
            await h.PublishAsync(topic, payload);
            await h.PublishAsync(telemetry, GatewayHarness.Reading(100 + good++, DateTimeOffset.UtcNow.AddMinutes(-1), 4));
        }
        // A ts far in the future is not bad input: the point is written at the receive time and flagged.
        await h.PublishAsync(telemetry, GatewayHarness.Reading(200, DateTimeOffset.UtcNow.AddDays(2), 4));

        await h.WaitForCountAsync("fridge_reading", device, good + 1);
        var received = await Eventually.Returns(() => Task.FromResult(letters.ToArray()),
            l => bad.All(b => l.Any(x => x.GetProperty("topic").GetString() == b.Topic)) && l.Length >= bad.Length, TimeSpan.FromSeconds(30), "every dead letter");
        foreach (var (topic, payload, reason) in bad)
        {
            // Every gateway of a concurrently running test sees this traffic too, so a letter may come more than once.
            // The letter carries the payload's first 4 KiB, its size and its SHA-256 (never more, whatever was sent).
            var bytes = Encoding.UTF8.GetBytes(payload);
            var matching = received.Where(l => l.GetProperty("topic").GetString() == topic
                && l.GetProperty("payloadSha256").GetString() == Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))).ToList();
            Assert.All(matching, letter =>
            {
                Assert.Equal(bytes.Length, letter.GetProperty("payloadBytes").GetInt32());
                Assert.Equal(bytes.AsSpan(0, Math.Min(bytes.Length, 4096)).ToArray(), Convert.FromBase64String(letter.GetProperty("payloadBase64").GetString()!));
                Assert.Equal(bytes.Length > 4096, letter.GetProperty("payloadTruncated").GetBoolean());
            });
            Assert.True(matching.Count > 0, $"no dead letter for {payload[..Math.Min(60, payload.Length)]}");
            Assert.All(matching, letter =>
            {
                Assert.StartsWith(reason, letter.GetProperty("reason").GetString());
                Assert.True(DateTimeOffset.TryParse(letter.GetProperty("receivedAt").GetString(), out _));
            });
        }
        var flagged = await h.Influx.RowsAsync($"SELECT seq FROM fridge_reading WHERE device = '{device}' AND ts_substituted = true");
        Assert.Equal(200, Assert.Single(flagged)["seq"].GetInt64());
        Assert.Equal(good + 1, await h.CountAsync("fridge_reading", device));
    }
}
