using System.Text;
using FridgeGateway.Alerts;
using FridgeGateway.Contract;
using FridgeGateway.Ingestion;
using FridgeGateway.Mqtt;
using FridgeGateway.Observability;
using FridgeGateway.Sinks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using static FridgeGateway.UnitTests.TestDoubles;

namespace FridgeGateway.UnitTests;

public sealed class IngestionProcessorTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"proc-{Guid.NewGuid():N}");
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(30));
    private readonly List<string> _events = [];
    private readonly IGatewayPublisher _publisher = Substitute.For<IGatewayPublisher>();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 7, 14, 18, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        _stop.Cancel();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private ISinkWriter RecordingWriter(string name)
    {
        var writer = Writer(name);
        writer.WriteAsync(default!, default).ReturnsForAnyArgs(call =>
        {
            foreach (var item in call.Arg<IReadOnlyList<SinkItem>>()) _events.Add($"{name}:{item.Key}");
            return Task.FromResult<IReadOnlyList<RejectedItem>>([]);
        });
        return writer;
    }

    private IngestionProcessor Processor(GatewaySinks sinks, BatchOptions? batch = null, AlertOptions? alerts = null) => new(
        new MessageParser(TimestampPolicy.Default),
        new AlertSession(
            new MessageParser(TimestampPolicy.Default),
            new AlertEngine(_ => new AlertThresholds()),
            new AlertStateStore(Path.Combine(_dir, "alerts.json")),
            new AlertOwnership(Options.Create(new MqttOptions()), new GatewayHealth(_time, TimeSpan.FromMinutes(2)), NullLogger<AlertOwnership>.Instance),
            Options.Create(new BatchOptions()),
            Options.Create(alerts ?? new AlertOptions()),
            _time),
        sinks, _publisher, Metrics(), Options.Create(batch ?? new BatchOptions()), Options.Create(alerts ?? new AlertOptions()),
        _time, new GatewayHealth(_time, TimeSpan.FromMinutes(2)), NullLogger<IngestionProcessor>.Instance);

    private InboundMessage Message(string topic, string json, string? label = null) =>
        new(topic, Encoding.UTF8.GetBytes(json), _time.GetUtcNow(), _ => { _events.Add($"ack:{label ?? topic}"); return Task.CompletedTask; });

    private InboundMessage Telemetry(int seq, string device = "fridge-t-01") =>
        Message($"coop/v1/fridges/{device}/telemetry", $$"""{"seq":{{seq}},"ts":"2026-07-14T17:59:00.000Z","tempC":3.5}""", $"{device}:{seq}");

    [Fact]
    public async Task Messages_are_acknowledged_in_receive_order_only_after_every_sink_has_them()
    {
        Directory.CreateDirectory(_dir);
        var processor = Processor(new GatewaySinks(Sink(RecordingWriter("influx"), Path.Combine(_dir, "i")), Sink(RecordingWriter("inventory"), Path.Combine(_dir, "v"))));
        var sale = Message("coop/v1/kiosks/kiosk-t-01/sales", """{"seq":5,"saleId":"s5","lines":[{"sku":"STFUT-A-473","units":1,"unitPriceCents":900}]}""", "kiosk-t-01:5");

        await processor.ProcessAsync([Telemetry(1), sale, Telemetry(2)], _stop.Token);

        var firstAck = _events.FindIndex(e => e.StartsWith("ack:", StringComparison.Ordinal));
        Assert.Equal(["influx:fridge-t-01:1", "influx:fridge-t-01:2", "influx:kiosk-t-01:5", "inventory:kiosk-t-01:5"], _events.Take(firstAck).Order());
        Assert.Equal(["ack:fridge-t-01:1", "ack:kiosk-t-01:5", "ack:fridge-t-01:2"], _events.Skip(firstAck));
    }

    /// <summary>
    /// A season replay plays months in minutes: silence is checked at the instants its clock publishes, in order with the
    /// devices' messages; a tick is acknowledged, never written or dead-lettered.
    /// </summary>
    [Fact]
    public async Task A_season_replays_clock_raises_offline_at_its_own_instants()
    {
        Directory.CreateDirectory(_dir);
        const string Clock = "coop/v1/gateway/season-clock";
        var processor = Processor(new GatewaySinks(Sink(RecordingWriter("influx"), Path.Combine(_dir, "i")), Sink(RecordingWriter("inventory"), Path.Combine(_dir, "v"))),
            alerts: new AlertOptions { SeasonClockTopic = Clock });
        InboundMessage Tick(string at) => Message(Clock, at, $"tick {at}");

        // Last heard at 17:59 (a fridge's limit: five reporting intervals of 60 s).
        await processor.ProcessAsync([Telemetry(1), Tick("2026-07-14T18:03:59.000Z"), Tick("2026-07-14T18:04:00.001Z")], _stop.Token);
        Assert.Contains("inventory:fridge-t-01:alert:offline:raised:1784051940000", _events);
        Assert.Contains("ack:tick 2026-07-14T18:04:00.001Z", _events);
        Assert.DoesNotContain(_events, e => e.Contains("tick", StringComparison.Ordinal) && !e.StartsWith("ack:", StringComparison.Ordinal));
        Assert.Single(_events, e => e.StartsWith("inventory:", StringComparison.Ordinal) && e.Contains(":alert:", StringComparison.Ordinal));

    }

    [Fact]
    public async Task A_batch_that_fills_the_receive_window_goes_at_once_instead_of_waiting_out_its_linger()
    {
        // An hour's linger: were the batch to wait for more, nothing would be acknowledged within the test. With the
        // window full the broker sends nothing more until these are acknowledged: waiting would only stall the stream.
        Directory.CreateDirectory(_dir);
        var processor = Processor(new GatewaySinks(Sink(RecordingWriter("influx"), Path.Combine(_dir, "i")), null),
            new BatchOptions { MaxDelay = TimeSpan.FromHours(1) });
        var acknowledged = new TaskCompletionSource();
        var inbound = new InboundQueue(capacity: 0);
        for (var seq = 1; seq <= 3; seq++)
        {
            var message = Telemetry(seq);
            await inbound.Writer.WriteAsync(message with
            {
                AcknowledgeAsync = async ct => { await message.AcknowledgeAsync(ct); if (_events.Count(e => e.StartsWith("ack:")) == 3) acknowledged.TrySetResult(); },
            });
        }

        var running = processor.RunAsync(inbound, receiveWindow: 3, _stop.Token);

        await acknowledged.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(["ack:fridge-t-01:1", "ack:fridge-t-01:2", "ack:fridge-t-01:3"], _events.Where(e => e.StartsWith("ack:")));
        inbound.Writer.Complete();
        await running;
    }

    [Fact]
    public async Task A_redelivered_message_is_acknowledged_but_written_once()
    {
        Directory.CreateDirectory(_dir);
        var processor = Processor(new GatewaySinks(Sink(RecordingWriter("influx"), Path.Combine(_dir, "i")), null));

        await processor.ProcessAsync([Telemetry(1), Telemetry(1)], _stop.Token);
        await processor.ProcessAsync([Telemetry(1), Telemetry(2)], _stop.Token);

        Assert.Equal(["influx:fridge-t-01:1", "influx:fridge-t-01:2"], _events.Where(e => e.StartsWith("influx")));
        Assert.Equal(4, _events.Count(e => e.StartsWith("ack:")));
    }

    [Fact]
    public async Task Bad_input_is_dead_lettered_and_acknowledged_while_good_messages_are_written()
    {
        Directory.CreateDirectory(_dir);
        var processor = Processor(new GatewaySinks(Sink(RecordingWriter("influx"), Path.Combine(_dir, "i")), null));
        var truncated = Message("coop/v1/fridges/fridge-t-01/telemetry", """{"seq":9,"tempC":""");

        await processor.ProcessAsync([Telemetry(1), truncated, Telemetry(2)], _stop.Token);

        await _publisher.Received(1).PublishAsync("coop/v1/fridges/fridge-t-01/telemetry", Arg.Is<string>(r => r.StartsWith("invalid JSON")),
            Arg.Is<ReadOnlyMemory<byte>>(p => Encoding.UTF8.GetString(p.ToArray()) == """{"seq":9,"tempC":"""), Arg.Any<DateTimeOffset>(), Arg.Any<CancellationToken>());
        Assert.Equal(2, _events.Count(e => e.StartsWith("influx")));
        Assert.Equal(3, _events.Count(e => e.StartsWith("ack:")));
    }

    [Fact]
    public async Task An_alert_transition_is_published_retained_and_written_before_the_ack()
    {
        Directory.CreateDirectory(_dir);
        var processor = Processor(new GatewaySinks(Sink(RecordingWriter("influx"), Path.Combine(_dir, "i")), null));
        var lost = Message("coop/v1/fridges/fridge-t-01/events", """{"seq":3,"ts":"2026-07-14T17:59:00.000Z","type":"power_lost"}""");

        await processor.ProcessAsync([lost], _stop.Token);

        await _publisher.Received(1).PublishAlertAsync(Arg.Is<AlertTransition>(t => t.Type == AlertType.PowerLost && t.Raised), Arg.Any<CancellationToken>());
        Assert.Contains("influx:fridge-t-01:alert:power_lost", _events);
        Assert.True(File.Exists(Path.Combine(_dir, "alerts.json")));
    }

    [Fact]
    public async Task A_dead_letter_that_cannot_be_published_never_holds_the_ack_of_its_batch()
    {
        Directory.CreateDirectory(_dir);
        var processor = Processor(new GatewaySinks(Sink(RecordingWriter("influx"), Path.Combine(_dir, "i")), null));
        var attempts = 0;
        _publisher.PublishAsync(default!, default!, default, default, default).ReturnsForAnyArgs(_ =>
        {
            attempts++;
            throw new InvalidOperationException("packet too large");
        });

        await processor.ProcessAsync([Message("coop/v1/fridges/fridge-t-01/telemetry", "nope", "bad"), Telemetry(1)], _stop.Token);

        Assert.Equal(1, attempts);
        Assert.Equal(["influx:fridge-t-01:1", "ack:bad", "ack:fridge-t-01:1"], _events);
    }

    [Fact]
    public async Task With_the_influx_spool_full_and_influx_down_nothing_is_acknowledged()
    {
        Directory.CreateDirectory(_dir);
        var writer = Writer();
        writer.WriteAsync(default!, default).ThrowsAsyncForAnyArgs(new HttpRequestException("connection refused"));
        var sink = Sink(writer, Path.Combine(_dir, "i"), maxBytes: 1 << 20);
        sink.Spool.TryAppend(new byte[(1 << 20) - 100]); // an earlier outage filled it
        var processor = Processor(new GatewaySinks(sink, null));

        var processing = processor.ProcessAsync([Telemetry(1)], _stop.Token);
        for (var i = 0; i < 5; i++) { _time.Advance(TimeSpan.FromSeconds(5)); await Task.Delay(20, _stop.Token); }

        Assert.False(processing.IsCompleted);
        Assert.DoesNotContain(_events, e => e.StartsWith("ack:"));
    }
}
