using FridgeGateway.Mqtt;
using MQTTnet;
using NSubstitute;

namespace FridgeGateway.UnitTests;

public sealed class MqttConnectingTests
{
    private readonly IMqttClient _client = Substitute.For<IMqttClient>();
    private readonly MqttClientOptions _options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1").Build();

    [Fact]
    public async Task A_refused_connect_throws_naming_the_connection_and_the_brokers_reason()
    {
        _client.ConnectAsync(_options, Arg.Any<CancellationToken>())
            .Returns(new MqttClientConnectResult { ResultCode = MqttClientConnectResultCode.NotAuthorized, ReasonString = "no" });

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => _client.ConnectOrThrowAsync(_options, "the alert session", CancellationToken.None));

        Assert.Equal("broker refused the alert session: NotAuthorized no", refused.Message);
    }

    [Fact]
    public async Task An_accepted_connect_returns_its_result()
    {
        _client.ConnectAsync(_options, Arg.Any<CancellationToken>())
            .Returns(new MqttClientConnectResult { ResultCode = MqttClientConnectResultCode.Success, IsSessionPresent = true });

        Assert.True((await _client.ConnectOrThrowAsync(_options, "the connection", CancellationToken.None)).IsSessionPresent);
    }
}
