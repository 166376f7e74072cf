using System.Text;
using FrigoCoop.TestSupport;
using MQTTnet;
using MQTTnet.Protocol;

namespace Harness.SmokeTests;

public sealed class MosquittoRoundTripTests
{
    private const string Device = "fridge-test-01";
    private const string OtherDevice = "fridge-test-02";

    [Fact]
    public async Task A_device_publishes_under_its_own_id_and_the_gateway_user_receives_it()
    {
        using var gateway = await Mqtt.ConnectAsGatewayAsync();
        var received = new TaskCompletionSource<MqttApplicationMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var marker = Guid.NewGuid().ToString("N");
        gateway.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.ConvertPayloadToString().Contains(marker)) received.TrySetResult(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        await gateway.SubscribeAsync($"coop/v1/fridges/{Device}/#", MqttQualityOfServiceLevel.AtLeastOnce);

        using var device = await Mqtt.ConnectAsDeviceAsync(Device);
        var result = await device.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic($"coop/v1/fridges/{Device}/telemetry")
            .WithPayload(Encoding.UTF8.GetBytes($$"""{"seq":1,"tempC":3.5,"marker":"{{marker}}"}"""))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());

        Assert.Equal(MqttClientPublishReasonCode.Success, result.ReasonCode);
        var message = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal($"coop/v1/fridges/{Device}/telemetry", message.Topic);
    }

    [Fact]
    public async Task A_device_publishing_under_another_devices_id_is_refused_by_the_broker()
    {
        using var device = await Mqtt.ConnectAsDeviceAsync(Device);

        var result = await device.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic($"coop/v1/fridges/{OtherDevice}/telemetry")
            .WithPayload("""{"seq":1,"tempC":3.5}"""u8.ToArray())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());

        // MQTT 5 answers a publish the ACL denies with PUBACK reason 135 (Not authorized).
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, result.ReasonCode);
    }

    [Fact]
    public async Task Each_device_has_a_password_of_its_own_that_opens_no_other_device()
    {
        var mine = LocalServices.Current.DevicePassword(Device);
        Assert.NotEqual(mine, LocalServices.Current.DevicePassword(OtherDevice));
        Assert.Equal(32, mine.Length);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Mqtt.ConnectAsync(OtherDevice, mine, OtherDevice, LocalServices.Current.DeviceMqttPort));
        Assert.Contains("NotAuthorized", error.ToString().Replace(" ", ""), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_wrong_password_is_refused()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => Mqtt.ConnectAsync(Device, "not-the-password"));
        Assert.Contains("NotAuthorized", error.ToString().Replace(" ", ""), StringComparison.OrdinalIgnoreCase);
    }
}
