using System.Threading.Channels;
using FridgeGateway.Alerts;
using FridgeGateway.Contract;
using FridgeGateway.Influx;
using FridgeGateway.Inventory;
using FridgeGateway.Mqtt;
using FridgeGateway.Observability;
using FridgeGateway.Sinks;

namespace FridgeGateway.Ingestion;

/// <summary>Publishes what the gateway itself says: dead letters and retained alerts.</summary>
public interface IGatewayPublisher : IDeadLetters
{
    Task PublishAlertAsync(AlertTransition transition, CancellationToken cancellationToken);
}

/// <summary>
/// The batch writer: takes received messages in order, validates them, runs the alert machines,
/// hands each sink its share, and acknowledges the batch in receive order only once every sink has
/// it durably (rule 1). A sink whose spool is full holds the batch: nothing is acknowledged, the
/// broker keeps the rest (rule 3).
/// </summary>
public sealed class IngestionProcessor(
    MessageParser parser,
    AlertEngine alerts,
    AlertStateStore alertStore,
    GatewaySinks gatewaySinks,
    IGatewayPublisher publisher,
    GatewayMetrics metrics,
    BatchOptions batchOptions,
    AlertOptions alertOptions,
    TimeProvider time,
    ILogger<IngestionProcessor> logger)
{
    private readonly IReadOnlyList<DurableSink> sinks = gatewaySinks.All;
    private readonly RecentMessages _recent = new(batchOptions.RememberedMessages);
    private DateTimeOffset _lastSave = DateTimeOffset.MinValue;

    public async Task RunAsync(ChannelReader<InboundMessage> reader, CancellationToken stoppingToken)
    {
        var batch = new List<InboundMessage>(batchOptions.MaxMessages);
        var nextCheck = time.GetUtcNow() + alertOptions.CheckEvery;
        Task<bool>? waiting = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            waiting ??= reader.WaitToReadAsync(stoppingToken).AsTask();
            var untilCheck = nextCheck - time.GetUtcNow();
            if (untilCheck > TimeSpan.Zero && await Task.WhenAny(waiting, Task.Delay(untilCheck, time, stoppingToken)) == waiting)
            {
                if (!await waiting) break;
                waiting = null;
                await CollectAsync(reader, batch, stoppingToken);
                await ProcessAsync(batch, stoppingToken);
                batch.Clear();
            }
            if (time.GetUtcNow() >= nextCheck)
            {
                await CheckSilenceAsync(stoppingToken);
                nextCheck = time.GetUtcNow() + alertOptions.CheckEvery;
            }
        }
    }

    /// <summary>Takes what is ready, and waits a short window for more, up to the batch size.</summary>
    private async Task CollectAsync(ChannelReader<InboundMessage> reader, List<InboundMessage> batch, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + batchOptions.MaxDelay;
        while (batch.Count < batchOptions.MaxMessages)
        {
            while (batch.Count < batchOptions.MaxMessages && reader.TryRead(out var message)) batch.Add(message);
            var left = deadline - time.GetUtcNow();
            if (batch.Count >= batchOptions.MaxMessages || left <= TimeSpan.Zero) return;
            using var window = CancellationTokenSource.CreateLinkedTokenSource(ct);
            window.CancelAfter(left);
            try { if (!await reader.WaitToReadAsync(window.Token)) return; }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { return; }
        }
    }

    /// <summary>Processes one batch to the end: durable in every sink, published, acknowledged.</summary>
    public async Task ProcessAsync(IReadOnlyList<InboundMessage> batch, CancellationToken ct)
    {
        // Phase 1, once: decide what every message means. The alert machines move exactly once per message.
        var work = new BatchWork(sinks.Count);
        var keysInBatch = new HashSet<string>(StringComparer.Ordinal);
        foreach (var message in batch)
        {
            metrics.MessageReceived();
            var result = parser.Parse(message.Topic, message.Payload, message.ReceivedAt);
            if (!result.IsValid)
            {
                work.DeadLetters.Add((message, result.Rejection!));
                continue;
            }
            if (result.Status is { } status)
            {
                work.Transitions.AddRange(alerts.Observe(status));
                continue;
            }
            var parsed = result.Message!;
            if (_recent.Contains(parsed.IdempotencyKey) || !keysInBatch.Add(parsed.IdempotencyKey))
            {
                metrics.Duplicate();
                continue;
            }
            work.Keys.Add(parsed.IdempotencyKey);
            work.ItemsFor(GatewaySinks.InfluxIndex).Add(new SinkItem(message.Topic, parsed.IdempotencyKey, InfluxSchema.ToLines(parsed)));
            if (gatewaySinks.Inventory is not null && InventoryReports.For(message.Topic, parsed) is { } report)
                work.ItemsFor(GatewaySinks.InventoryIndex).Add(report);
            work.Transitions.AddRange(alerts.Observe(parsed));
        }
        AddAlertPoints(work);

        // Phase 2, until done: durable everywhere, then say so. Retried as a whole only in the parts not yet done.
        await CompleteAsync(work, ct);
        foreach (var key in work.Keys) _recent.Add(key);

        foreach (var message in batch)
        {
            try { await message.AcknowledgeAsync(ct); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The connection dropped: the broker redelivers, and the redelivery counts once.
                logger.LogDebug("PUBACK for {Topic} not sent: {Error}", message.Topic, e.Message);
            }
        }
    }

    private async Task CheckSilenceAsync(CancellationToken ct)
    {
        var work = new BatchWork(sinks.Count);
        work.Transitions.AddRange(alerts.Tick(time.GetUtcNow()));
        if (work.Transitions.Count == 0) return;
        AddAlertPoints(work);
        await CompleteAsync(work, ct);
    }

    private void AddAlertPoints(BatchWork work)
    {
        foreach (var t in work.Transitions)
        {
            logger.LogInformation("Alert {Type} {State} for {Device}: {Detail}", t.Type.WireName(), t.Raised ? "raised" : "cleared", t.DeviceId, t.Detail);
            work.ItemsFor(GatewaySinks.InfluxIndex).Add(new SinkItem(AlertMessages.Topic(t), $"{t.DeviceId}:alert:{t.Type.WireName()}", InfluxSchema.ToLines(t)));
        }
    }

    private async Task CompleteAsync(BatchWork work, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                // Every sink at once: a slow or absent one does not hold the others' writes back.
                var pending = Enumerable.Range(0, sinks.Count).Where(i => !work.Accepted[i]).ToList();
                var accepted = await Task.WhenAll(pending.Select(i => sinks[i].AcceptAsync(work.ItemsFor(i), ct)));
                for (var j = 0; j < pending.Count; j++) work.Accepted[pending[j]] = accepted[j];

                while (work.DeadLetters.Count > 0)
                {
                    var (message, reason) = work.DeadLetters[0];
                    logger.LogWarning("Dead-lettered a message on {Topic}: {Reason}", message.Topic, reason);
                    await publisher.PublishAsync(message.Topic, reason, message.Payload, message.ReceivedAt, ct);
                    metrics.DeadLetter("invalid");
                    work.DeadLetters.RemoveAt(0);
                }
                while (work.Transitions.Count > 0)
                {
                    await publisher.PublishAlertAsync(work.Transitions[0], ct);
                    work.Transitions.RemoveAt(0);
                    work.AlertsChanged = true;
                }
                if (work.AlertsChanged || time.GetUtcNow() - _lastSave > alertOptions.SaveEvery)
                {
                    alertStore.Save(alerts);
                    _lastSave = time.GetUtcNow();
                    work.AlertsChanged = false;
                }
                if (work.Accepted.All(a => a)) return;
                logger.LogWarning("A spool is full ({Sinks}): holding the batch unacknowledged until it drains",
                    string.Join(", ", sinks.Where((_, i) => !work.Accepted[i]).Select(s => s.Name)));
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogWarning("Batch not complete yet ({Error}); trying again in {Delay}", e.Message, delay);
            }
            await Task.Delay(delay, time, ct);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
        }
    }

    private sealed class BatchWork(int sinkCount)
    {
        private readonly List<SinkItem>[] _items = Enumerable.Range(0, sinkCount).Select(_ => new List<SinkItem>()).ToArray();
        public bool[] Accepted { get; } = new bool[sinkCount];
        public List<string> Keys { get; } = [];
        public List<(InboundMessage Message, string Reason)> DeadLetters { get; } = [];
        public List<AlertTransition> Transitions { get; } = [];
        public bool AlertsChanged { get; set; }
        public List<SinkItem> ItemsFor(int sink) => _items[sink];
    }
}
