namespace FridgeGateway.Sinks;

/// <summary>The gateway's sinks: InfluxDB always, the inventory API when it is configured.</summary>
public sealed class GatewaySinks(DurableSink influx, DurableSink? inventory)
{
    public const int InfluxIndex = 0;
    public const int InventoryIndex = 1;

    public DurableSink Influx => influx;
    public DurableSink? Inventory => inventory;
    public IReadOnlyList<DurableSink> All { get; } = inventory is null ? [influx] : [influx, inventory];
}
