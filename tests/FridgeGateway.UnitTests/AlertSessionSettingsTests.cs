using FridgeGateway.Mqtt;

namespace FridgeGateway.UnitTests;

/// <summary>The several-replicas setting fails at start when it could not work or could be taken by a device.</summary>
public sealed class AlertSessionSettingsTests
{
    [Theory]
    [InlineData("", "fridge-gateway", true)]                   // one gateway: alerts on the ingestion's subscription
    [InlineData("gateway:alerts", "fridge-gateway", true)]
    [InlineData("gateway-alerts", "fridge-gateway", false)]    // a valid device id: a device account of that name could take the session
    [InlineData("gateway:fridge-gateway-1", "fridge-gateway", false)] // the replica's own client id
    [InlineData("gateway:alerts", "", false)]                  // replicas without a shared subscription would each write everything
    public void The_alert_session_is_checked(string session, string group, bool valid)
    {
        var result = new MqttOptionsValidator().Validate(null, new MqttOptions { Host = "broker", AlertSession = session, SharedGroup = group });
        Assert.Equal(valid, result.Succeeded);
        if (!valid) Assert.Contains("Mqtt__AlertSession", result.FailureMessage);
    }
}
