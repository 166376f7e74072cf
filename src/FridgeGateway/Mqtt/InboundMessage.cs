using System.Buffers;
using MQTTnet;

namespace FridgeGateway.Mqtt;

/// <summary>A received MQTT message waiting for its PUBACK, which goes out only once it is durable.</summary>
/// <param name="AlertTenure">
/// 0 for the ingestion's shared subscription; otherwise the tenure of the alert session it came through
/// (several replicas, <see cref="AlertOwnership"/>): evaluated for alerts only, and only while that tenure lasts.
/// </param>
public sealed record InboundMessage(string Topic, ReadOnlyMemory<byte> Payload, DateTimeOffset ReceivedAt, Func<CancellationToken, Task> AcknowledgeAsync, int AlertTenure = 0)
{
    /// <summary>
    /// The payload as received, not copied: MQTTnet 5 reads each packet into an array of its own and pools none
    /// (a copy was one more object per message for the GC to follow while the message waits for its batch:
    /// docs/benchmarks.md, "Steady memory"). Should a later MQTTnet reuse its buffers, every integration test that reads back what devices sent
    /// would see other messages' bytes.
    /// </summary>
    public static ReadOnlyMemory<byte> PayloadOf(MqttApplicationMessage message) => PayloadOf(message.Payload);

    /// <inheritdoc cref="PayloadOf(MqttApplicationMessage)"/>
    public static ReadOnlyMemory<byte> PayloadOf(ReadOnlySequence<byte> payload) =>
        payload.IsSingleSegment ? payload.First : payload.ToArray();
}
