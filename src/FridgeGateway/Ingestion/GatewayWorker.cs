using FridgeGateway.Mqtt;
using FridgeGateway.Observability;
using FridgeGateway.Sinks;
using Microsoft.Extensions.Options;

namespace FridgeGateway.Ingestion;

/// <summary>
/// Runs the gateway: the MQTT connection feeding a bounded channel, the batch writer draining it,
/// and each sink's spool replay. The channel holds at most the receive maximum: the broker never
/// has more unacknowledged messages in flight to us, so memory stays bounded (backpressure).
/// </summary>
public sealed class GatewayWorker(
    GatewayMqttClient mqtt,
    IngestionProcessor processor,
    GatewaySinks sinks,
    AlertOwnership alertOwnership,
    IOptions<MqttOptions> mqttOptions,
    GatewayHealth health,
    ILogger<GatewayWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var inbound = new InboundQueue(mqttOptions.Value.ReceiveMaximum);
        if (sinks.Inventory is null)
            logger.LogWarning("Inventory__BaseUrl is not set: sales and stock counts go to InfluxDB only, not to the inventory API");

        var loops = new Dictionary<Task, string>
        {
            [Task.Run(() => mqtt.RunAsync(inbound.Writer, stoppingToken), stoppingToken)] = "mqtt",
            [Task.Run(() => processor.RunAsync(inbound, mqttOptions.Value.ReceiveMaximum, stoppingToken), stoppingToken)] = "processor",
        };
        if (alertOwnership.Enabled) loops[Task.Run(() => alertOwnership.RunAsync(inbound.Writer, stoppingToken), stoppingToken)] = "alert session";
        foreach (var sink in sinks.All) loops[Task.Run(() => sink.ReplayAsync(stoppingToken), stoppingToken)] = $"{sink.Name} replay";
        // Every loop runs until the gateway stops: one that ends before is a failure, said on /healthz and
        // by stopping the process, so that the supervisor restarts it (nothing unacknowledged is lost).
        var ended = await Task.WhenAny(loops.Keys);
        if (stoppingToken.IsCancellationRequested) return;
        var why = ended.Exception?.GetBaseException().Message ?? "returned";
        health.Ended(loops[ended], why);
        logger.LogCritical(ended.Exception, "Gateway {Loop} loop ended ({Why}); stopping so that the supervisor restarts it", loops[ended], why);
        throw new InvalidOperationException($"the {loops[ended]} loop ended: {why}", ended.Exception);
    }
}
