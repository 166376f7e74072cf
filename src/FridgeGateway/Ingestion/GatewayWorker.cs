using System.Threading.Channels;
using FridgeGateway.Mqtt;
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
    IOptions<MqttOptions> mqttOptions,
    ILogger<GatewayWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var channel = Channel.CreateBounded<InboundMessage>(new BoundedChannelOptions(mqttOptions.Value.ReceiveMaximum)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        if (sinks.Inventory is null)
            logger.LogWarning("Inventory__BaseUrl is not set: sales and stock counts go to InfluxDB only, not to the inventory API");

        var tasks = new List<Task>
        {
            Task.Run(() => mqtt.RunAsync(channel.Writer, stoppingToken), stoppingToken),
            Task.Run(() => processor.RunAsync(channel.Reader, stoppingToken), stoppingToken),
        };
        tasks.AddRange(sinks.All.Select(sink => Task.Run(() => sink.ReplayAsync(stoppingToken), stoppingToken)));
        try
        {
            await await Task.WhenAny(tasks);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogCritical(e, "Gateway loop failed; stopping so that the supervisor restarts it (nothing unacknowledged is lost)");
            throw;
        }
    }
}
