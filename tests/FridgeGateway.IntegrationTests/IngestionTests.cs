namespace FridgeGateway.IntegrationTests;

/// <summary>Rule 1 and rule 2 against the real broker and the real InfluxDB.</summary>
public sealed class IngestionTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow.AddHours(-3);

    private static async Task PublishReadingsAsync(GatewayHarness h, int devices, int perDevice, int copies = 1, int firstSeq = 1)
    {
        for (var seq = firstSeq; seq < firstSeq + perDevice; seq++)
            for (var d = 0; d < devices; d++)
                for (var c = 0; c < copies; c++)
                    await h.PublishAsync($"coop/v1/fridges/{h.Device("fridge", d)}/telemetry",
                        GatewayHarness.Reading(seq, Start.AddSeconds(seq), 3 + d * 0.1));
    }

    [Fact]
    public async Task Published_readings_become_exactly_one_point_each()
    {
        await using var h = await GatewayHarness.StartAsync();

        await PublishReadingsAsync(h, devices: 6, perDevice: 100);

        Assert.Equal(600, await h.WaitForCountAsync("fridge_reading", h.Device("fridge", 0)[..^3], 600));
    }

    [Fact]
    public async Task Every_message_published_twice_is_still_one_point()
    {
        await using var h = await GatewayHarness.StartAsync();

        await PublishReadingsAsync(h, devices: 4, perDevice: 50, copies: 2);
        // A message without ts gets the receive time: redelivered, it must still count once.
        for (var i = 0; i < 2; i++)
            await h.PublishAsync($"coop/v1/fridges/{h.Device("fridge", 0)}/telemetry", """{"seq":1000,"tempC":4.5}""");
        await PublishReadingsAsync(h, devices: 1, perDevice: 1, firstSeq: 2000); // a marker behind the copies

        await h.WaitForCountAsync("fridge_reading", h.Device("fridge", 0), 52);
        Assert.Equal(202, await h.CountAsync("fridge_reading", h.Device("fridge", 0)[..^3]));
        var substituted = await h.Influx.RowsAsync($"SELECT seq FROM fridge_reading WHERE device = '{h.Device("fridge", 0)}' AND ts_substituted = true");
        Assert.Single(substituted);
    }

    [Fact]
    public async Task An_influxdb_outage_mid_stream_loses_nothing_and_writes_nothing_twice()
    {
        await using var h = await GatewayHarness.StartAsync();
        var prefix = h.Device("fridge", 0)[..^3];

        await PublishReadingsAsync(h, devices: 5, perDevice: 40);
        await h.WaitForCountAsync("fridge_reading", prefix, 200);

        h.InfluxGate.Close();
        await PublishReadingsAsync(h, devices: 5, perDevice: 40, firstSeq: 41);
        await Eventually.Returns(h.SpooledBytesAsync, bytes => bytes > 0, TimeSpan.FromSeconds(30), "the gateway to spool while InfluxDB is unreachable");
        h.InfluxGate.Open();

        Assert.Equal(400, await h.WaitForCountAsync("fridge_reading", prefix, 400));
        await Eventually.Returns(h.SpooledBytesAsync, bytes => bytes == 0, TimeSpan.FromSeconds(30), "the spool to drain");
        Assert.Equal(400, await h.CountAsync("fridge_reading", prefix));
    }

    [Fact]
    public async Task A_gateway_killed_with_sigkill_mid_stream_loses_nothing()
    {
        await using var h = await GatewayHarness.StartAsync();
        var prefix = h.Device("fridge", 0)[..^3];

        var publishing = PublishReadingsAsync(h, devices: 10, perDevice: 200);
        await Eventually.Returns(() => h.CountAsync("fridge_reading", prefix), n => n >= 300, TimeSpan.FromSeconds(60), "some points before the kill");
        await h.Gateway.KillAsync();
        await publishing; // the broker keeps what arrives for the gateway's persistent session
        await h.RestartAsync();

        Assert.Equal(2000, await h.WaitForCountAsync("fridge_reading", prefix, 2000));
    }

    [Fact]
    public async Task A_torn_spool_tail_left_by_sigkill_is_discarded_and_nothing_acknowledged_is_lost()
    {
        await using var h = await GatewayHarness.StartAsync();
        var prefix = h.Device("fridge", 0)[..^3];

        h.InfluxGate.Close();
        await PublishReadingsAsync(h, devices: 5, perDevice: 60);
        await Eventually.Returns(h.SpooledBytesAsync, bytes => bytes > 0, TimeSpan.FromSeconds(30), "the gateway to spool");
        await h.Gateway.KillAsync();

        // The process died in the middle of an append: half a record at the end of the segment.
        var segment = Directory.GetFiles(Path.Combine(h.SpoolDirectory, "influx"), "*.seg").Max()!;
        await using (var file = new FileStream(segment, FileMode.Append))
            await file.WriteAsync(new byte[] { 0x46, 0x52, 0x53, 0x50, 0xFF, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5 });

        h.InfluxGate.Open();
        await h.RestartAsync();

        Assert.Equal(300, await h.WaitForCountAsync("fridge_reading", prefix, 300));
        Assert.Contains("torn or corrupt record", h.Gateway.Output);
    }
}
