using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using FrigoCoop.TestSupport;
using MQTTnet;
using MQTTnet.Protocol;

namespace FridgeGateway.IntegrationTests;

/// <summary>
/// DESIGN rule 7 against the real Mosquitto (as scripts/services configures it) and InfluxDB: what one
/// device with stolen credentials can do, while two other devices keep publishing. Each attack asserts
/// that the other devices' readings all land, once, within seconds. One class: its tests share the
/// provisioned device accounts (deploy/mosquitto/devices), so they run one after another.
/// </summary>
public sealed class HostileDeviceTests
{
    private const string Hostile = "fridge-hostile-01";
    private static readonly string[] Victims = ["fridge-victim-01", "fridge-victim-02"];
    private static readonly TimeSpan WithinSeconds = TimeSpan.FromSeconds(15);

    /// <summary>The victims publish <paramref name="perDevice"/> readings each, through their own accounts; returns when all are acknowledged by the broker.</summary>
    private static async Task PublishVictimReadingsAsync(long seqBase, int perDevice)
    {
        foreach (var victim in Victims)
        {
            using var device = await Mqtt.ConnectAsDeviceAsync(victim);
            for (var i = 0; i < perDevice; i++)
            {
                var result = await device.PublishAsync(Telemetry(victim, seqBase + i, 4.2));
                Assert.Equal(MqttClientPublishReasonCode.Success, result.ReasonCode);
            }
            await device.DisconnectAsync();
        }
    }

    private static MqttApplicationMessage Telemetry(string device, long seq, double tempC) => new MqttApplicationMessageBuilder()
        .WithTopic($"coop/v1/fridges/{device}/telemetry")
        .WithPayload(GatewayHarness.Reading(seq, DateTimeOffset.UtcNow.AddSeconds(-1), tempC))
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .Build();

    private static async Task ExpectVictimsLandedAsync(GatewayHarness h, int expected)
    {
        await h.WaitForCountAsync("fridge_reading", "fridge-victim-0", expected, WithinSeconds);
        Assert.Equal(expected, await h.CountAsync("fridge_reading", "fridge-victim-0")); // none twice, none lost
    }

    private static long SeqBase() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    [Fact]
    public async Task An_oversized_message_is_refused_at_the_broker_and_a_flood_does_not_hold_back_the_other_devices()
    {
        await using var h = await GatewayHarness.StartAsync();
        using var hostile = await Mqtt.ConnectAsDeviceAsync(Hostile);
        var letters = new ConcurrentQueue<byte[]>();
        using var watcher = await Mqtt.ConnectAsGatewayAsync($"gateway:dl-{h.Name}");
        watcher.ApplicationMessageReceivedAsync += e =>
        {
            var body = System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload);
            if (Encoding.UTF8.GetString(body).Contains(Hostile, StringComparison.Ordinal)) letters.Enqueue(body);
            return Task.CompletedTask;
        };
        await watcher.SubscribeAsync("coop/v1/gateway/deadletter", MqttQualityOfServiceLevel.AtLeastOnce);

        // 800 KB on its own topic: over the broker's packet cap, so the broker drops the device, not the gateway.
        var huge = Encoding.UTF8.GetBytes($$"""{"seq":1,"tempC":3,"pad":"{{new string('x', 800_000)}}"}""");
        await Assert.ThrowsAnyAsync<Exception>(() => hostile.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic($"coop/v1/fridges/{Hostile}/telemetry").WithPayload(huge).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build()));

        // 20 KB (under the broker's cap, over the contract's 16 KiB) and then a flood of 3,000 valid readings.
        using var again = await Mqtt.ConnectAsDeviceAsync(Hostile);
        var overContract = Encoding.UTF8.GetBytes($$"""{"seq":2,"tempC":3,"device":"{{Hostile}}","pad":"{{new string('y', 20_000)}}"}""");
        await again.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic($"coop/v1/fridges/{Hostile}/telemetry").WithPayload(overContract).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        var seqBase = SeqBase();
        var flood = Task.Run(async () =>
        {
            for (var i = 0; i < 3000; i++) await again.PublishAsync(Telemetry(Hostile, seqBase + i, 3.9));
        });
        await PublishVictimReadingsAsync(seqBase, perDevice: 20);
        await flood;

        await ExpectVictimsLandedAsync(h, 40);
        await h.WaitForCountAsync("fridge_reading", Hostile, 3000, WithinSeconds); // the hostile device only hurts itself
        var letter = await Eventually.Returns(() => Task.FromResult(letters.ToArray()), l => l.Length > 0, WithinSeconds, "the dead letter of the 20 KB message");
        Assert.True(letter[0].Length < 8 * 1024, $"a dead letter of {letter[0].Length} bytes");
        Assert.Equal(overContract.Length, JsonDocument.Parse(letter[0]).RootElement.GetProperty("payloadBytes").GetInt32());
        Assert.Equal(200, (await h.GetAsync("/readyz")).Status);
        Assert.DoesNotContain("PacketTooLarge", h.Gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flood_of_malformed_messages_is_held_at_the_receive_window_and_never_passes_it()
    {
        // A small window, so that the flood fills it. Each malformed message is a dead letter the gateway publishes;
        // were it published on the ingestion connection, every awaited PUBACK would let PUBLISHes past the full
        // window and the flood's memory would have no bound (the notices have a connection of their own).
        await using var h = await GatewayHarness.StartAsync(new() { ["Mqtt__ReceiveMaximum"] = "10" });
        using var hostile = await Mqtt.ConnectAsDeviceAsync(Hostile);
        const int Malformed = 2000;
        var flood = Task.Run(async () =>
        {
            // Many at once, as a device that does not wait for its PUBACKs would: the broker has them before the gateway.
            for (var sent = 0; sent < Malformed; sent += 200)
                await Task.WhenAll(Enumerable.Range(sent, 200).Select(i => hostile.PublishAsync(new MqttApplicationMessageBuilder()
                    .WithTopic($"coop/v1/fridges/{Hostile}/telemetry").WithPayload($$"""{"seq":{{i}},"tempC":""")
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build())));
        });
        var seqBase = SeqBase();
        await PublishVictimReadingsAsync(seqBase, perDevice: 20);
        await flood;

        await ExpectVictimsLandedAsync(h, 40);
        await Eventually.Returns(() => Metric(h, "gateway_messages_dead_lettered_total"), n => n >= Malformed, WithinSeconds, "every malformed message dead-lettered");
        Assert.True(await Metric(h, "gateway_mqtt_window_held_total") > 0, "the flood never filled the window: this test shows nothing");
        Assert.Equal(0, await Metric(h, "gateway_mqtt_window_passed_full_total"));
    }

    /// <summary>A counter from the gateway's /metrics, summed over its labels (0 when it has not been counted yet).</summary>
    private static async Task<long> Metric(GatewayHarness h, string name)
    {
        var (_, text) = await h.GetAsync("/metrics");
        return text.Split('\n').Where(line => line.StartsWith(name, StringComparison.Ordinal) && line.Length > name.Length && line[name.Length] is ' ' or '{')
            .Sum(line => (long)double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_device_cannot_take_the_gateways_session_or_another_devices_and_cannot_log_in_on_the_gateways_listener()
    {
        await using var h = await GatewayHarness.StartAsync();
        var gatewayClientId = h.Gateway.Environment["Mqtt__ClientId"];
        using var victim = await Mqtt.ConnectAsDeviceAsync(Victims[0]);

        // With its own password, the hostile device asks for the gateway's client id, then the victim's: the broker
        // gives it its own (its username) each time, so neither session is touched (clean start would discard it).
        using (var asGateway = await Mqtt.ConnectAsDeviceAsync(Hostile, clientId: gatewayClientId))
            await asGateway.DisconnectAsync();
        using (var asVictim = await Mqtt.ConnectAsDeviceAsync(Hostile, clientId: Victims[0]))
            await asVictim.DisconnectAsync();
        // Its account does not exist on the services' listener at all.
        await Assert.ThrowsAnyAsync<Exception>(() => Mqtt.ConnectAsync(Hostile, LocalServices.Current.DevicePassword(Hostile), gatewayClientId));

        Assert.True(victim.IsConnected, "the victim's connection was taken over");
        var seqBase = SeqBase();
        for (var i = 0; i < 10; i++) Assert.Equal(MqttClientPublishReasonCode.Success, (await victim.PublishAsync(Telemetry(Victims[0], seqBase + i, 4))).ReasonCode);
        await PublishVictimReadingsAsync(seqBase + 10, perDevice: 10);
        await ExpectVictimsLandedAsync(h, 30);
        Assert.DoesNotContain("MQTT connection lost", h.Gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_gateway_reconnects_by_itself_after_its_session_is_taken_over_or_its_connection_is_cut()
    {
        await using var mqttGate = new TcpGate(new Uri($"tcp://{LocalServices.Current.MqttHost}:{LocalServices.Current.MqttPort}"));
        await using var h = await GatewayHarness.StartAsync(new() { ["Mqtt__Port"] = mqttGate.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var seqBase = SeqBase();

        // Taken over: only the gateway's own account can use its client id; the gateway takes its session back.
        using (var intruder = await Mqtt.ConnectAsync(LocalServices.Current.GatewayMqttUser, LocalServices.Current.GatewayMqttPassword, h.Gateway.Environment["Mqtt__ClientId"]))
        {
            await Eventually.Holds(() => Task.FromResult(h.Gateway.Output.Contains("MQTT connection lost", StringComparison.Ordinal)), WithinSeconds, "the gateway to see its session taken");
        }
        await h.WaitUntilReadyAsync();
        await PublishVictimReadingsAsync(seqBase, perDevice: 5);
        await ExpectVictimsLandedAsync(h, 10);

        // The network to the broker cut (as a broker restart looks from the gateway), and back.
        mqttGate.Close();
        await Eventually.Holds(async () => (await h.GetAsync("/readyz")).Status == 503, WithinSeconds, "the gateway to notice the cut");
        await PublishVictimReadingsAsync(seqBase + 5, perDevice: 5); // queued for it by the broker meanwhile
        Assert.Equal(200, (await h.GetAsync("/healthz")).Status); // alive: a restart would not help, /readyz says why
        mqttGate.Open();
        await h.WaitUntilReadyAsync();
        await ExpectVictimsLandedAsync(h, 20);
    }

    [Fact]
    public async Task A_stuck_batch_makes_healthz_answer_503_so_that_a_supervisor_restarts_the_gateway()
    {
        await using var h = await GatewayHarness.StartAsync(new() { ["Batch__StallAfter"] = "00:00:03", ["Alerts__SaveEvery"] = "00:00:01" });
        // The alert state cannot be saved (its temporary file's name is taken by a folder): every batch fails.
        var blocker = Directory.CreateDirectory(Path.Combine(h.SpoolDirectory, "alert-state.json.tmp"));
        using var victim = await Mqtt.ConnectAsDeviceAsync(Victims[0]);
        var seq = SeqBase();
        var published = 0;
        // Readings keep coming (one per look), so a batch that must save the alert state comes soon.
        var (status, body) = await Eventually.Returns(async () =>
        {
            await victim.PublishAsync(Telemetry(Victims[0], seq + published++, 4));
            return await h.GetAsync("/healthz");
        }, r => r.Status == 503, WithinSeconds, "/healthz to say the gateway is stuck; gateway output:\n" + h.Gateway.Output);
        Assert.Contains("a batch has been failing", body, StringComparison.Ordinal);

        blocker.Delete();
        await Eventually.Returns(() => h.GetAsync("/healthz"), r => r.Status == 200, WithinSeconds, "/healthz to recover once the batch completes");
        await ExpectVictimsLandedAsync(h, published);
    }
    [Fact]
    public async Task The_simulators_hostile_device_scenario_leaves_the_other_fridges_readings_whole_and_the_gateway_ready()
    {
        await using var h = await GatewayHarness.StartAsync();
        var services = LocalServices.Current;
        var state = Directory.CreateTempSubdirectory("sim-hostile-");
        try
        {
            await using var simulator = AppProcess.Start("firmware-sim", "firmware-sim", new Dictionary<string, string>
            {
                ["Mqtt__Host"] = services.MqttHost,
                ["Mqtt__Port"] = services.MqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Simulator__DevicePort"] = services.DeviceMqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Simulator__DevicePasswords"] = services["Simulator__DevicePasswords"],
            }, "run", Path.Combine(LocalServices.RepositoryRoot, "firmware-sim", "scenarios", "hostile-device.json"), "--now", "--speed", "3600", "--state", state.FullName);
            Assert.True(await simulator.WaitForExitAsync(TimeSpan.FromMinutes(2)) == 0, simulator.Output);
            Assert.Contains("refused by the ACL", simulator.Output, StringComparison.Ordinal);
            Assert.Contains("given its username", simulator.Output, StringComparison.Ordinal);

            // One simulated hour at a reading a minute: 60 per victim, every one, once.
            await ExpectVictimsLandedAsync(h, 120);
            await h.WaitForCountAsync("fridge_reading", Hostile, 2 * 2000, WithinSeconds);
            Assert.Equal(200, (await h.GetAsync("/readyz")).Status);
            Assert.DoesNotContain("MQTT connection lost", h.Gateway.Output, StringComparison.Ordinal);
        }
        finally
        {
            state.Delete(recursive: true);
        }
    }
}
