using System.Diagnostics.Metrics;

namespace FridgeGateway.Observability;

/// <summary>The gateway's OpenTelemetry meter: what operators watch (DESIGN: Conventions).</summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "FrigoCoop.FridgeGateway";
    public const string IngestDelayName = "gateway.ingest.delay";

    /// <summary>Buckets fine enough to read p50 and p99 of the ingest delay from /metrics.</summary>
    public static readonly double[] DelayBuckets = [1, 2, 5, 10, 20, 35, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000, 30000, 60000];

    private readonly Counter<long> _received;
    private readonly Counter<long> _written;
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _deadLettersNotPublished;
    private readonly Counter<long> _quarantined;
    private readonly Counter<long> _spooled;
    private readonly Counter<long> _replayed;
    private readonly Histogram<double> _writeLatency;
    private readonly Histogram<double> _ingestDelay;
    private readonly List<Func<Measurement<long>>> _spoolBytes = [];

    public GatewayMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _received = meter.CreateCounter<long>("gateway.messages.received", "{message}", "MQTT messages received");
        _written = meter.CreateCounter<long>("gateway.items.written", "{item}", "items written to a sink");
        _duplicates = meter.CreateCounter<long>("gateway.messages.duplicates", "{message}", "redelivered messages counted once");
        _deadLettered = meter.CreateCounter<long>("gateway.messages.dead_lettered", "{message}", "messages rejected as bad input");
        _deadLettersNotPublished = meter.CreateCounter<long>("gateway.dead_letters.not_published", "{message}", "dead letters given up after bounded retries (the message was acknowledged)");
        _quarantined = meter.CreateCounter<long>("gateway.items.quarantined", "{item}", "items a sink kept failing while it answered others: set aside, dead-lettered");
        _spooled = meter.CreateCounter<long>("gateway.items.spooled", "{item}", "items appended to a sink's spool");
        _replayed = meter.CreateCounter<long>("gateway.items.replayed", "{item}", "spooled items delivered to their sink");
        _writeLatency = meter.CreateHistogram<double>("gateway.write.duration", "ms", "time to write a batch to a sink");
        _ingestDelay = meter.CreateHistogram<double>(IngestDelayName, "ms", "from the device's ts to durable in every sink (late buffers included)");
        meter.CreateObservableGauge("gateway.spool.bytes", () => _spoolBytes.Select(f => f()), "By", "bytes waiting in the spools");
    }

    /// <summary>Counted once a batch: a measurement per message was a measurable part of its cost.</summary>
    public void MessagesReceived(int count)
    {
        if (count > 0) _received.Add(count);
    }
    public void Duplicate() => _duplicates.Add(1);
    public void DeadLetter(string reasonClass) => _deadLettered.Add(1, new KeyValuePair<string, object?>("reason", reasonClass));
    public void DeadLetterNotPublished() => _deadLettersNotPublished.Add(1);
    public void Quarantined(string sink) => _quarantined.Add(1, new KeyValuePair<string, object?>("sink", sink));
    public void Written(string sink, int items, double milliseconds)
    {
        _written.Add(items, new KeyValuePair<string, object?>("sink", sink));
        _writeLatency.Record(milliseconds, new KeyValuePair<string, object?>("sink", sink));
    }
    public void Ingested(TimeSpan delay) => _ingestDelay.Record(Math.Max(0, delay.TotalMilliseconds));
    public void Spooled(string sink, int items) => _spooled.Add(items, new KeyValuePair<string, object?>("sink", sink));
    public void Replayed(string sink, int items) => _replayed.Add(items, new KeyValuePair<string, object?>("sink", sink));

    public void ObserveSpool(string sink, Func<long> bytes) =>
        _spoolBytes.Add(() => new Measurement<long>(bytes(), new KeyValuePair<string, object?>("sink", sink)));
}
