namespace FridgeGateway.Sinks;

/// <summary>The gateway's sinks, by name: InfluxDB always, the inventory API when it is configured.</summary>
public sealed class GatewaySinks(DurableSink influx, DurableSink? inventory)
{
    /// <summary>Every reading, event, count, sale and alert, as line protocol.</summary>
    public DurableSink Influx => influx;

    /// <summary>Sales and shelf counts for the stock ledger; null when the gateway has no inventory API.</summary>
    public DurableSink? Inventory => inventory;

    public IReadOnlyList<DurableSink> All { get; } = inventory is null ? [influx] : [influx, inventory];
}
