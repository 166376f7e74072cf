using System.Globalization;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;

namespace SeasonDriver;

/// <summary>
/// The season's arrival clock (docs/season.md): each instant the play reaches, published with the gateway's account on
/// <see cref="Topic"/> (the gateways' <c>Alerts__SeasonClockTopic</c>), in order with the devices' messages: every publish
/// of the play awaits the broker's PUBACK, so the broker has each message before the instant that follows it. The
/// gateways check silence at these instants, not on the real clock, months past the season.
/// </summary>
public sealed class SeasonClock : IAsyncDisposable
{
    public const string Topic = "coop/v1/gateway/season-clock";

    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();

    public static async Task<SeasonClock> ConnectAsync(string host, int port, string username, string password, CancellationToken ct)
    {
        var clock = new SeasonClock();
        await clock._client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(host, port).WithCredentials(username, password)
            .WithClientId($"season-clock-{Guid.NewGuid():N}").WithCleanStart(true).Build(), ct);
        return clock;
    }

    public async Task TellAsync(DateTimeOffset now, CancellationToken ct)
    {
        var result = await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topic)
            .WithPayload(Encoding.UTF8.GetBytes(now.ToString("O", CultureInfo.InvariantCulture)))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);
        if (result.ReasonCode is not (MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers))
            throw new InvalidOperationException($"the broker refused the season's clock: {result.ReasonCode}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected) await _client.DisconnectAsync();
        _client.Dispose();
    }
}
