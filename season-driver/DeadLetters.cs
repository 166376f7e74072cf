using System.Collections.Concurrent;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;

namespace SeasonDriver;

/// <summary>
/// Every message the gateways reject, heard on <c>coop/v1/gateway/deadletter</c> with the gateway's account
/// (Mqtt__Username/Mqtt__Password): a season's device message refused is a difference, never a silent loss.
/// </summary>
public sealed class DeadLetters : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();

    public ConcurrentQueue<(string Topic, string Reason)> Heard { get; } = new();

    public static async Task<DeadLetters> ListenAsync(string host, int port, string username, string password, CancellationToken ct)
    {
        var listener = new DeadLetters();
        listener._client.ApplicationMessageReceivedAsync += e =>
        {
            using var letter = JsonDocument.Parse(e.ApplicationMessage.ConvertPayloadToString());
            listener.Heard.Enqueue((letter.RootElement.GetProperty("topic").GetString() ?? "", letter.RootElement.GetProperty("reason").GetString() ?? ""));
            return Task.CompletedTask;
        };
        await listener._client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(host, port).WithCredentials(username, password)
            .WithClientId($"season-deadletters-{Guid.NewGuid():N}").WithCleanStart(true).Build(), ct);
        await listener._client.SubscribeAsync(MqttGatewayTopics.DeadLetter, MqttQualityOfServiceLevel.AtLeastOnce, ct);
        return listener;
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected) await _client.DisconnectAsync();
        _client.Dispose();
    }
}

internal static class MqttGatewayTopics
{
    public const string DeadLetter = "coop/v1/gateway/deadletter";
}
