using FridgeGateway.Alerts;
using FridgeGateway.Contract;
using FridgeGateway.Influx;
using FridgeGateway.Inventory;
using FridgeGateway.Mqtt;
using FridgeGateway.Observability;
using FridgeGateway.Sinks;
using FridgeGateway.Spool;
using Microsoft.Extensions.Options;

namespace FridgeGateway.Ingestion;

/// <summary>
/// The batch writer: takes received messages in order, validates them, runs the alert machines,
/// hands each sink its share, and acknowledges the batch in receive order only once every sink has
/// it durably (rule "Nothing acknowledged is lost"). A sink whose spool is full holds the batch: nothing is acknowledged, the
/// broker keeps the rest (rule "Outages are absorbed, not passed on").
/// </summary>
public sealed class IngestionProcessor(
    MessageParser parser,
    AlertSession alertSession,
    GatewaySinks gatewaySinks,
    IGatewayPublisher publisher,
    GatewayMetrics metrics,
    IOptions<BatchOptions> batchSettings,
    IOptions<AlertOptions> alertSettings,
    TimeProvider time,
    GatewayHealth health,
    ILogger<IngestionProcessor> logger)
{
    private readonly IReadOnlyList<DurableSink> sinks = gatewaySinks.All;
    private readonly BatchOptions batchOptions = batchSettings.Value;
    private readonly AlertOptions alertOptions = alertSettings.Value;
    private readonly RecentSequences _recent = new(batchSettings.Value.RememberedPerDevice, batchSettings.Value.RememberedDevices);
    /// <summary>Messages of the batches being finished, not yet acknowledged: they hold places of the receive window.</summary>
    private long _unacknowledged;

    /// <param name="receiveWindow">
    /// The broker's receive maximum on the ingestion connection: when the batch and the unacknowledged batches before it
    /// hold that many, nothing more can arrive until they are acknowledged, and the batch goes at once instead of
    /// waiting out its linger for messages the broker may not send.
    /// </param>
    public async Task RunAsync(InboundQueue inbound, int receiveWindow, CancellationToken stoppingToken)
    {
        var reader = inbound.Reader;
        var nextCheck = time.GetUtcNow() + alertOptions.CheckEvery;
        // Batches overlap: while one is being written, the next is parsed and sent. Each acknowledges
        // only after the one before it has, so PUBACKs still go out in receive order.
        var inFlight = new Queue<Task>();
        var previous = Task.CompletedTask;
        Task<bool>? waiting = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            health.Beat("processor");
            waiting ??= reader.WaitToReadAsync(stoppingToken).AsTask();
            // Idle, it still wakes often enough to say it is alive (/healthz).
            var untilCheck = TimeSpan.FromTicks(Math.Min((nextCheck - time.GetUtcNow()).Ticks, health.StallAfter.Ticks / 4));
            if (untilCheck > TimeSpan.Zero && await Task.WhenAny(waiting, Task.Delay(untilCheck, time, stoppingToken)) == waiting)
            {
                if (!await waiting) break;
                waiting = null;
                // Sized to what is waiting: a flood fills a batch at once, a paced load trickles in a few hundred
                // messages a batch, and a list made for a full batch each time was garbage for the GC to collect.
                var batch = new List<InboundMessage>(Math.Min(batchOptions.MaxMessages, Math.Max(16, reader.CanCount ? reader.Count : 0)));
                await CollectAsync(inbound, batch, receiveWindow, stoppingToken);
                previous = FinishAsync(Prepare(batch), batch, previous, stoppingToken);
                inFlight.Enqueue(previous);
            }
            if (time.GetUtcNow() >= nextCheck)
            {
                var work = PrepareSilenceCheck();
                if (work is not null) { previous = FinishAsync(work, [], previous, stoppingToken); inFlight.Enqueue(previous); }
                nextCheck = time.GetUtcNow() + alertOptions.CheckEvery;
            }
            while (inFlight.Count > 0 && (inFlight.Peek().IsCompleted || inFlight.Count >= batchOptions.MaxInFlightBatches))
                await inFlight.Dequeue();
        }
        while (inFlight.Count > 0) await inFlight.Dequeue();
    }

    /// <summary>
    /// Takes what is ready, and waits a short window for more, up to the batch size or until the receive window is full:
    /// woken once by the queue when it holds what completes the batch, or at the deadline, not by every message.
    /// </summary>
    private async Task CollectAsync(InboundQueue inbound, List<InboundMessage> batch, int receiveWindow, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + batchOptions.MaxDelay;
        while (true)
        {
            while (batch.Count < batchOptions.MaxMessages && inbound.Reader.TryRead(out var message)) batch.Add(message);
            var left = deadline - time.GetUtcNow();
            var windowLeft = receiveWindow - batch.Count - Interlocked.Read(ref _unacknowledged);
            if (batch.Count >= batchOptions.MaxMessages || left <= TimeSpan.Zero || windowLeft <= 0 || inbound.Reader.Completion.IsCompleted) return;
            // The receive window frees as earlier batches are acknowledged: looked at again at the deadline or the wake-up.
            await inbound.WaitUntilHoldsAsync((int)Math.Min(batchOptions.MaxMessages - batch.Count, windowLeft), left, time, ct);
        }
    }

    /// <summary>Processes one batch to the end: durable in every sink, published, acknowledged.</summary>
    public Task ProcessAsync(IReadOnlyList<InboundMessage> batch, CancellationToken ct) =>
        FinishAsync(Prepare(batch), batch, Task.CompletedTask, ct);

    /// <summary>
    /// Phase 1, once and in receive order: what every message means. The alert machines move exactly
    /// once per message, and a message's key is remembered at once: its batch will be durable before
    /// any later batch is acknowledged, so a redelivery in a later batch can be acknowledged unwritten.
    /// </summary>
    private BatchWork Prepare(IReadOnlyList<InboundMessage> batch)
    {
        alertSession.BeginTenureIfAny();
        var work = new BatchWork(sinks, batch.Count);
        var influx = work.ItemsFor(gatewaySinks.Influx);
        var received = 0;
        foreach (var message in batch)
        {
            if (message.AlertTenure != 0)
            {
                alertSession.ObserveSessionMessage(message, work);
                continue;
            }
            if (alertSession.IsSeasonClock(message.Topic))
            {
                alertSession.ObserveSeasonClock(message, work);
                continue;
            }
            received++;
            var result = parser.Parse(message.Topic, message.Payload.Span, message.ReceivedAt);
            if (!result.IsValid)
            {
                work.DeadLetters.Add((message, result.Rejection!));
                continue;
            }
            if (result.Status is { } status)
            {
                alertSession.ObserveReceived(status, work);
                continue;
            }
            var parsed = result.Message!;
            if (!_recent.Add(parsed.DeviceId, parsed.Seq, parsed.DeviceTime))
            {
                metrics.Duplicate();
                continue;
            }
            work.Timestamps.Add(parsed.Timestamp);
            influx.Add(new SinkItem(message.Topic, parsed.DeviceId, parsed.Seq, InfluxSchema.ToLines(parsed, work.Lines)));
            if (gatewaySinks.Inventory is { } inventory && InventoryReports.For(message.Topic, parsed) is { } report)
                work.ItemsFor(inventory).Add(report);
            alertSession.ObserveReceived(parsed, work);
        }
        metrics.MessagesReceived(received);
        AddAlertPoints(work);
        alertSession.SaveIfDue(work);
        return work;
    }

    private BatchWork? PrepareSilenceCheck()
    {
        var work = new BatchWork(sinks);
        if (!alertSession.CheckSilence(work)) return null;
        AddAlertPoints(work);
        return work;
    }

    /// <summary>Phase 2: durable everywhere, then (after the batch before it) acknowledged in receive order.</summary>
    private async Task FinishAsync(BatchWork work, IReadOnlyList<InboundMessage> batch, Task previous, CancellationToken ct)
    {
        Interlocked.Add(ref _unacknowledged, batch.Count); // before the first await: the next batch's collector counts them
        await CompleteAsync(work, ct);
        var durable = time.GetUtcNow();
        foreach (var ts in work.Timestamps) metrics.Ingested(durable - ts);
        await previous;
        foreach (var message in batch)
        {
            try { await message.AcknowledgeAsync(ct); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The connection dropped: the broker redelivers, and the redelivery counts once.
                logger.LogDebug("PUBACK for {Topic} not sent: {Error}", message.Topic, e.Message);
            }
        }
        Interlocked.Add(ref _unacknowledged, -batch.Count);
    }

    private void AddAlertPoints(BatchWork work)
    {
        foreach (var t in work.Transitions)
        {
            logger.LogInformation("Alert {Type} {State} for {Device}: {Detail}", t.Type.WireName(), t.Raised ? "raised" : "cleared", t.DeviceId, t.Detail);
            work.ItemsFor(gatewaySinks.Influx).Add(new SinkItem(AlertMessages.Topic(t), $"{t.DeviceId}:alert:{t.Type.WireName()}", InfluxSchema.ToLines(t, work.Lines)));
            // The inventory API keeps the alert history and tells people, through the same durable sink as sales and counts.
            if (gatewaySinks.Inventory is { } inventory) work.ItemsFor(inventory).Add(InventoryReports.For(t));
        }
    }

    /// <summary>
    /// Until the batch is durable in every sink, its notices are published and the alert state saved: each step kept
    /// once done, the rest tried again with a growing delay (a full spool or disk holds the batch, never drops it).
    /// </summary>
    private async Task CompleteAsync(BatchWork work, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                await WriteToSinksAsync(work, ct);
                await work.PublishNoticesAsync(publisher, metrics, logger, ct);
                await SaveAlertStateAsync(work, ct);
                health.BatchNoLongerFailing(work);
                if (work.Accepted.Count == sinks.Count) return;
                // Held on purpose (rule "Outages are absorbed, not passed on"): alive, and /readyz says the spool is full.
                health.Beat("processor");
                logger.LogWarning("A spool is full ({Sinks}): holding the batch unacknowledged until it drains",
                    string.Join(", ", sinks.Where(sink => !work.Accepted.Contains(sink)).Select(sink => sink.Name)));
            }
            catch (IOException e) when (DurableSpool.IsDiskFull(e))
            {
                // The alert state could not be saved for want of space: held like a full spool (rule "Outages are absorbed, not passed on"), not stuck.
                health.BatchNoLongerFailing(work);
                health.Beat("processor");
                logger.LogWarning("Disk full ({Error}): holding the batch unacknowledged until there is room", e.Message);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                health.BatchFailing(work, e.Message);
                health.Beat("processor");
                logger.LogWarning("Batch not complete yet ({Error}); trying again in {Delay}", e.Message, delay);
            }
            await Task.Delay(delay, time, ct);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
        }
    }

    /// <summary>Every sink that does not hold the batch yet, at once: a slow or absent one does not hold the others' writes back.</summary>
    private async Task WriteToSinksAsync(BatchWork work, CancellationToken ct)
    {
        var pending = sinks.Where(sink => !work.Accepted.Contains(sink)).ToList();
        var accepted = await Task.WhenAll(pending.Select(sink => sink.AcceptAsync(work.ItemsFor(sink), ct)));
        for (var j = 0; j < pending.Count; j++) if (accepted[j]) work.Accepted.Add(pending[j]);
    }

    private static async Task SaveAlertStateAsync(BatchWork work, CancellationToken ct)
    {
        if (work.SaveAlertState is not { } save) return;
        await save(ct);
        work.SaveAlertState = null;
    }
}
