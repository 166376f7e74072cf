namespace FridgeGateway.Mqtt;

/// <summary>A received MQTT message waiting for its PUBACK, which goes out only once it is durable.</summary>
/// <param name="AlertTenure">
/// 0 for the ingestion's shared subscription; otherwise the tenure of the alert session it came through
/// (several replicas, <see cref="AlertOwnership"/>): evaluated for alerts only, and only while that tenure lasts.
/// </param>
public sealed record InboundMessage(string Topic, byte[] Payload, DateTimeOffset ReceivedAt, Func<CancellationToken, Task> AcknowledgeAsync, int AlertTenure = 0);
