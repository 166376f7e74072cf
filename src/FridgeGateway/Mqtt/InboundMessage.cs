namespace FridgeGateway.Mqtt;

/// <summary>A received MQTT message waiting for its PUBACK, which goes out only once it is durable.</summary>
public sealed record InboundMessage(string Topic, byte[] Payload, DateTimeOffset ReceivedAt, Func<CancellationToken, Task> AcknowledgeAsync);
