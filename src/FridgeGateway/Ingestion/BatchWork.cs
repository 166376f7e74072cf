using FridgeGateway.Alerts;
using FridgeGateway.Influx;
using FridgeGateway.Mqtt;
using FridgeGateway.Observability;
using FridgeGateway.Sinks;

namespace FridgeGateway.Ingestion;

/// <summary>
/// One batch on its way through the batch writer (<see cref="IngestionProcessor"/>): each sink's items, the line protocol
/// they are slices of, the dead letters and alert transitions to publish, and the alert state to save before it is acknowledged.
/// </summary>
/// <param name="messages">How many messages it holds (0 for the silence check): what its lists are sized for.</param>
internal sealed class BatchWork(IReadOnlyList<DurableSink> sinks, int messages = 0)
{
    private readonly Dictionary<DurableSink, List<SinkItem>> _items = sinks.ToDictionary(sink => sink, _ => new List<SinkItem>());
    /// <summary>The sinks that have this batch durably.</summary>
    public HashSet<DurableSink> Accepted { get; } = [];
    public List<DateTimeOffset> Timestamps { get; } = new(messages);
    public List<(InboundMessage Message, string Reason)> DeadLetters { get; } = [];
    public List<AlertTransition> Transitions { get; } = [];
    public SaveAlertState? SaveAlertState { get; set; }
    public List<SinkItem> ItemsFor(DurableSink sink) => _items[sink];
    /// <summary>The batch's line protocol, the items' bodies slices of it.</summary>
    public Utf8Chunks Lines { get; } = new(firstChunk: messages * InfluxSchema.TypicalLineBytes);

    /// <summary>The batch's dead letters (notices: never holding the batch) and alert transitions (retained: they must go out).</summary>
    public async Task PublishNoticesAsync(IGatewayPublisher publisher, GatewayMetrics metrics, ILogger logger, CancellationToken ct)
    {
        while (DeadLetters.Count > 0)
        {
            var (message, reason) = DeadLetters[0];
            logger.LogWarning("Dead-lettered a message on {Topic}: {Reason}", message.Topic, reason);
            metrics.DeadLetter("invalid");
            DeadLetters.RemoveAt(0);
            // A dead letter is a notice: the publisher bounds its own retries, and a failure here
            // never holds the batch (one bad message must not stop the fleet, rule "One device can only hurt itself").
            try { await publisher.PublishAsync(message.Topic, reason, message.Payload, message.ReceivedAt, ct); }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                metrics.DeadLetterNotPublished();
                logger.LogError("Dead letter for {Topic} not published: {Error}; the message is acknowledged all the same", message.Topic, e.Message);
            }
        }
        while (Transitions.Count > 0)
        {
            await publisher.PublishAlertAsync(Transitions[0], ct);
            Transitions.RemoveAt(0);
        }
    }
}
