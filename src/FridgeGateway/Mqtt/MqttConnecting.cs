using MQTTnet;

namespace FridgeGateway.Mqtt;

internal static class MqttConnecting
{
    /// <summary>
    /// Connects, or throws naming the connection: MQTTnet 5 returns a refused CONNECT (bad credentials, a client id
    /// not allowed) as a result rather than an exception, and each of the gateway's connections retries on a throw.
    /// </summary>
    public static async Task<MqttClientConnectResult> ConnectOrThrowAsync(this IMqttClient client, MqttClientOptions options,
        string connection, CancellationToken cancellationToken)
    {
        var result = await client.ConnectAsync(options, cancellationToken);
        return result.ResultCode == MqttClientConnectResultCode.Success
            ? result
            : throw new InvalidOperationException($"broker refused {connection}: {result.ResultCode} {result.ReasonString}");
    }
}
