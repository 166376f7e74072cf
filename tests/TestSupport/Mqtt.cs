using MQTTnet;
using MQTTnet.Formatter;

namespace FrigoCoop.TestSupport;

/// <summary>MQTT 5 clients against the local Mosquitto, with the credentials the services script made.</summary>
public static class Mqtt
{
    public static Task<IMqttClient> ConnectAsGatewayAsync(string? clientId = null) =>
        ConnectAsync(LocalServices.Current.GatewayMqttUser, LocalServices.Current.GatewayMqttPassword, clientId);

    public static Task<IMqttClient> ConnectAsSimulatorAsync(string? clientId = null) =>
        ConnectAsync(LocalServices.Current.SimulatorMqttUser, LocalServices.Current.SimulatorMqttPassword, clientId);

    /// <summary>A device on the devices' listener, with its own account (the broker makes its client id its username).</summary>
    public static Task<IMqttClient> ConnectAsDeviceAsync(string deviceId, string? clientId = null) =>
        ConnectAsync(deviceId, LocalServices.Current.DevicePassword(deviceId), clientId ?? deviceId, LocalServices.Current.DeviceMqttPort);

    /// <summary>
    /// Discards a stopped gateway's persistent session (a connect with its client id and a clean start):
    /// otherwise the broker keeps queueing every later test's traffic for it until the session expires.
    /// </summary>
    public static async Task ForgetSessionAsync(string clientId)
    {
        using var client = await ConnectAsGatewayAsync(clientId);
        await client.DisconnectAsync();
    }

    public static async Task<IMqttClient> ConnectAsync(string username, string password, string? clientId = null, int? port = null)
    {
        var services = LocalServices.Current;
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(services.MqttHost, port ?? services.MqttPort)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId ?? $"test-{Guid.NewGuid():N}")
            .WithCredentials(username, password)
            .WithCleanStart(true)
            .WithTimeout(TimeSpan.FromSeconds(5))
            .Build();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var result = await client.ConnectAsync(options, timeout.Token);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
                throw new InvalidOperationException($"MQTT connect as {username} refused: {result.ResultCode} {result.ReasonString}");
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
        {
            client.Dispose();
            throw LocalServices.NotRunning("Mosquitto", e);
        }
        return client;
    }
}
