using FridgeGateway.Alerts;
using FridgeGateway.Contract;
using FridgeGateway.Observability;
using FridgeGateway.Sinks;

namespace FridgeGateway.Mqtt;

/// <summary>
/// Publishes what the gateway says on the broker: rejected input on <c>coop/v1/gateway/deadletter</c>
/// and alerts retained on <c>coop/v1/alerts/{deviceId}/{type}</c>, both at QoS 1.
/// A dead letter is a notice about a message that is acknowledged anyway (rule "Bad input is rejected loudly and harmlessly"): it is tried a few
/// times and then logged and counted, never allowed to hold a batch (rule "One device can only hurt itself").
/// </summary>
public sealed class MqttGatewayPublisher(GatewayMqttClient mqtt, GatewayMetrics metrics, ILogger<MqttGatewayPublisher> logger) : IGatewayPublisher
{
    public const string DeadLetterTopic = "coop/v1/gateway/deadletter";
    public const int DeadLetterAttempts = 3;
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);

    public async Task PublishAsync(string topic, string reason, ReadOnlyMemory<byte> payload, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var body = DeadLetter.For(topic, reason, payload.Span, receivedAt).ToJson();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(AttemptTimeout);
                await mqtt.PublishAsync(DeadLetterTopic, body, retain: false, timeout.Token);
                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // Not connected: a retry cannot help (and the batch's acknowledgements cannot go either).
                if (attempt >= DeadLetterAttempts || !mqtt.IsConnected)
                {
                    metrics.DeadLetterNotPublished();
                    logger.LogError("Dead letter for {Topic} ({Reason}) not published after {Attempts} attempts: {Error}; the message is acknowledged all the same",
                        topic, reason, attempt, e.Message);
                    return;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), cancellationToken);
            }
        }
    }

    public Task PublishAlertAsync(AlertTransition transition, CancellationToken cancellationToken) =>
        mqtt.PublishAsync(AlertMessages.Topic(transition), AlertMessages.Payload(transition), retain: true, cancellationToken);
}
