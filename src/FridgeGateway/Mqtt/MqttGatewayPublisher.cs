using System.Text.Json;
using FridgeGateway.Alerts;
using FridgeGateway.Ingestion;

namespace FridgeGateway.Mqtt;

/// <summary>
/// Publishes what the gateway says on the broker: rejected input on <c>coop/v1/gateway/deadletter</c>
/// and alerts retained on <c>coop/v1/alerts/{deviceId}/{type}</c>, both at QoS 1.
/// </summary>
public sealed class MqttGatewayPublisher(GatewayMqttClient mqtt) : IGatewayPublisher
{
    public const string DeadLetterTopic = "coop/v1/gateway/deadletter";

    public Task PublishAsync(string topic, string reason, ReadOnlyMemory<byte> payload, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["topic"] = topic,
            ["reason"] = reason,
            ["receivedAt"] = receivedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["payloadBase64"] = Convert.ToBase64String(payload.Span),
        });
        return mqtt.PublishAsync(DeadLetterTopic, body, retain: false, cancellationToken);
    }

    public Task PublishAlertAsync(AlertTransition transition, CancellationToken cancellationToken) =>
        mqtt.PublishAsync(AlertMessages.Topic(transition), AlertMessages.Payload(transition), retain: true, cancellationToken);
}
