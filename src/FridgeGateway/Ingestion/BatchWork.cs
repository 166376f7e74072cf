using FridgeGateway.Alerts;
using FridgeGateway.Influx;
using FridgeGateway.Mqtt;
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
}
