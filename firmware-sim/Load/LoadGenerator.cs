using System.Diagnostics;
using FirmwareSim.Devices;
using FirmwareSim.Wire;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace FirmwareSim.Load;

/// <summary>The result of a load run: achieved publish rate and PUBACK latency percentiles.</summary>
public sealed record LoadSummary(long Published, long Refused, double Seconds, double MessagesPerSecond, double P50Ms, double P99Ms, double MaxMs);

/// <summary>
/// N devices × a rate, over a number of MQTT connections (the simulator's account, each connection
/// speaking for its share of the devices), with a window of unacknowledged publishes per connection.
/// Telemetry payloads are the contract's, with ts = now and a seq per device; with <paramref name="doorOpenEvery"/>
/// (n &gt; 0) every n-th reading of a device has its door open, so that alerts change course as in a real fleet (a
/// condition begins with the open door and ends with the next reading).
/// </summary>
public sealed class LoadGenerator(BrokerSettings broker, int devices, double ratePerDevice, int connections, int window, string prefix, Action<string> progress,
    int doorOpenEvery = 0)
{
    public async Task<LoadSummary> RunAsync(long? messageCount, TimeSpan? duration, CancellationToken ct)
    {
        var total = messageCount ?? long.MaxValue;
        var deadline = duration is { } d ? Stopwatch.GetTimestamp() + (long)(d.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        var targetRate = devices * ratePerDevice;
        var seqBase = DateTimeOffset.UtcNow.ToUnixTimeSeconds() * 1000; // a fresh seq range per run: no false duplicates
        var seqs = new long[devices];
        var issued = 0L;
        var published = 0L;
        var refused = 0L;
        var latencies = new List<double>[connections];
        var clients = new IMqttClient[connections];
        for (var c = 0; c < connections; c++)
        {
            latencies[c] = new List<double>(1024);
            clients[c] = new MqttClientFactory().CreateMqttClient();
            var (username, password) = broker.CredentialsFor($"{prefix}-{c:D5}");
            await clients[c].ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port)
                .WithProtocolVersion(MqttProtocolVersion.V500).WithClientId($"{prefix}-conn-{c:D5}-{Environment.ProcessId}")
                .WithCredentials(username, password).WithCleanStart(true).Build(), ct);
        }
        var started = Stopwatch.GetTimestamp();
        using var stopReporting = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reporting = Task.Run(async () =>
        {
            using var reporter = new PeriodicTimer(TimeSpan.FromSeconds(1));
            try
            {
                while (await reporter.WaitForNextTickAsync(stopReporting.Token))
                    progress($"load: {Interlocked.Read(ref published)} published, {Interlocked.Read(ref published) / Stopwatch.GetElapsedTime(started).TotalSeconds:0} msg/s");
            }
            catch (OperationCanceledException) { }
        }, CancellationToken.None);

        async Task Worker(int connection, int lane)
        {
            var client = clients[connection];
            var mine = latencies[connection];
            while (!ct.IsCancellationRequested && Stopwatch.GetTimestamp() < deadline)
            {
                var n = Interlocked.Increment(ref issued) - 1;
                if (n >= total) return;
                // Pace: message n is due at n / targetRate seconds after the start.
                var due = started + (long)(n / targetRate * Stopwatch.Frequency);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait, ct);
                var device = (int)(n % devices);
                var seq = seqBase + Interlocked.Increment(ref seqs[device]);
                var doorOpen = doorOpenEvery > 0 && seq % doorOpenEvery == 0;
                var payload = ContractMessages.Telemetry(seq, DateTimeOffset.UtcNow, 3.5, 21, doorOpen, true, 90, false, 100, -60, null);
                var sent = Stopwatch.GetTimestamp();
                var result = await client.PublishAsync(new MqttApplicationMessageBuilder()
                    .WithTopic($"coop/v1/fridges/{prefix}-{device:D5}/telemetry").WithPayload(payload)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);
                var ms = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                if (result.ReasonCode is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers) Interlocked.Increment(ref published);
                else Interlocked.Increment(ref refused);
                lock (mine) mine.Add(ms);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, connections).SelectMany(c => Enumerable.Range(0, window).Select(lane => Task.Run(() => Worker(c, lane), ct))));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await stopReporting.CancelAsync();
        await reporting;
        foreach (var client in clients) { await client.DisconnectAsync(); client.Dispose(); }
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Percentile(double p) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(p * all.Length))];
        return new LoadSummary(published, refused, seconds, published / seconds, Percentile(0.50), Percentile(0.99), all.Length == 0 ? 0 : all[^1]);
    }
}
