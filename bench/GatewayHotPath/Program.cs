using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using FridgeGateway;
using FridgeGateway.Alerts;
using FridgeGateway.Contract;
using FridgeGateway.Influx;
using FridgeGateway.Ingestion;
using FridgeGateway.Mqtt;
using FridgeGateway.Observability;
using FridgeGateway.Sinks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

BenchmarkSwitcher.FromAssembly(typeof(PerMessage).Assembly).Run(args);

/// <summary>
/// What the batch writer does for each telemetry message before the batch goes to its sinks (issue 20: the
/// CPU per message): parse it, recognise a redelivery, write its line protocol, make its sink item, move its
/// device's alert machines — and the batch's spool record. 1,000 devices' readings as the load generator
/// writes them, taken in turn. Time and bytes allocated per message.
/// </summary>
[MemoryDiagnoser]
public class PerMessage
{
    private const int Devices = 1000;
    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private readonly MessageParser _parser = new(TimestampPolicy.Default);
    private static readonly AlertThresholds Thresholds = new();
    private readonly AlertEngine _alerts = new(_ => Thresholds);
    private readonly RecentSequences _recent = new(1024, 100_000);
    // The alert machines as the batch writer drives them (one gateway: every message it receives).
    private AlertSession _session = null!;
    private readonly BatchWork _work = new([]);
    private (string Topic, byte[] Payload)[] _messages = [];
    private Reading[] _parsed = [];
    private SinkItem[] _batch = [];
    // A batch's line protocol: a fresh one every 1,000 messages, as a batch would.
    private Utf8Chunks _lines = new();
    private int _next;
    private long _seq;

    [GlobalSetup]
    public void Setup()
    {
        _messages = Enumerable.Range(0, Devices).Select(n => ($"coop/v1/fridges/fridge-load-{n:D5}/telemetry", Telemetry(n, 1))).ToArray();
        _parsed = _messages.Select(m => (Reading)_parser.Parse(m.Topic, m.Payload, ReceivedAt).Message!).ToArray();
        var health = new GatewayHealth(TimeProvider.System, TimeSpan.FromMinutes(2));
        _session = new AlertSession(_parser, _alerts, new AlertStateStore(Path.Combine(Path.GetTempPath(), $"hotpath-{Environment.ProcessId}.json")),
            new AlertOwnership(Options.Create(new MqttOptions()), health, NullLogger<AlertOwnership>.Instance),
            Options.Create(new BatchOptions()), Options.Create(new AlertOptions()), TimeProvider.System);
        _batch = _parsed.Select(r => new SinkItem($"coop/v1/fridges/{r.DeviceId}/telemetry", r.IdempotencyKey, InfluxSchema.ToLines(r, _lines))).ToArray();
    }

    /// <summary>A reading as firmware-sim writes it (ContractMessages.Telemetry).</summary>
    private static byte[] Telemetry(int device, long seq) => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $$"""{"seq":{{seq}},"ts":"{{ReceivedAt.AddSeconds(-device):yyyy-MM-dd'T'HH:mm:ss.fff'Z'}}","tempC":3.47,"ambientC":21.3,"doorOpen":false,"compressorOn":true,"powerW":85.2,"onBattery":false,"batteryPct":100,"rssi":-61}"""));

    [Benchmark]
    public ParseResult Parse()
    {
        var (topic, payload) = _messages[_next++ % Devices];
        return _parser.Parse(topic, payload, ReceivedAt);
    }

    /// <summary>A reading's JSON alone, read by the fast path (what <c>Parse</c> does for it)…</summary>
    [Benchmark]
    public object? ReadingJsonFastPath() => TelemetryFastPath.TryRead(_messages[_next++ % Devices].Payload);

    /// <summary>…and by the generated deserializer it falls back to.</summary>
    [Benchmark]
    public object? ReadingJsonGenerated() => JsonSerializer.Deserialize(_messages[_next++ % Devices].Payload, ContractJsonContext.Default.TelemetryPayload);

    [Benchmark]
    public ReadOnlyMemory<byte> LineProtocol() => InfluxSchema.ToLines(_parsed[NextBatchSlot()], _lines);

    [Benchmark]
    public int ObserveAlerts() => _alerts.Observe(_parsed[_next++ % Devices]).Count;

    /// <summary>The whole of it for one message, as <c>IngestionProcessor.Prepare</c> does.</summary>
    [Benchmark(Baseline = true)]
    public SinkItem? Prepare()
    {
        var i = NextBatchSlot();
        var (topic, payload) = _messages[i];
        var parsed = _parser.Parse(topic, payload, ReceivedAt).Message!;
        // A new seq each round: never taken for a redelivery.
        if (!_recent.Add(parsed.DeviceId, i == 0 ? ++_seq : _seq, parsed.DeviceTime)) return null;
        var item = new SinkItem(topic, parsed.DeviceId, parsed.Seq, InfluxSchema.ToLines(parsed, _lines));
        _session.ObserveReceived(parsed, _work);
        _work.Transitions.Clear();
        return item;
    }

    private int NextBatchSlot()
    {
        var i = _next++ % Devices;
        if (i == 0) _lines = new Utf8Chunks();
        return i;
    }

    /// <summary>A batch of 1,000 items as one spool record (per message: divide by 1,000).</summary>
    [Benchmark(OperationsPerInvoke = Devices)]
    public int SpoolRecord() => SinkBatchCodec.Encode(_batch).Length;
}
