using FridgeGateway.Mqtt;

namespace FridgeGateway.UnitTests;

public sealed class MqttSettingsTests
{
    [Theory]
    [InlineData(0, true)]     // read at once
    [InlineData(10, true)]    // the default
    [InlineData(100, true)]
    [InlineData(101, false)]  // a reading waits longer in the socket than it is worth
    [InlineData(-1, false)]
    public void The_read_linger_is_checked(int milliseconds, bool valid)
    {
        var result = new MqttOptionsValidator().Validate(null, new MqttOptions { Host = "broker", ReadLinger = TimeSpan.FromMilliseconds(milliseconds) });
        Assert.Equal(valid, result.Succeeded);
        if (!valid) Assert.Contains("Mqtt__ReadLinger", result.FailureMessage);
    }
}
