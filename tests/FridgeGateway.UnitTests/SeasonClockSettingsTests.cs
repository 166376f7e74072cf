using FridgeGateway.Alerts;
using Microsoft.Extensions.Hosting;
using NSubstitute;

namespace FridgeGateway.UnitTests;

/// <summary>
/// The season replay's clock moves the silence check off the real clock: production never may, so the setting stops
/// the gateway at start outside the Season environment; and it names one topic of the gateway's own.
/// </summary>
public sealed class SeasonClockSettingsTests
{
    [Theory]
    [InlineData("Production", "coop/v1/gateway/season-clock", false)]
    [InlineData("Development", "coop/v1/gateway/season-clock", false)]
    [InlineData("Season", "coop/v1/gateway/season-clock", true)]
    [InlineData("Season", "coop/v1/gateway/#", false)]             // a wildcard would take the gateway's own notices as ticks
    [InlineData("Season", "coop/v1/fridges/fridge-01/clock", false)] // a device could publish it
    [InlineData("Production", null, true)]
    public void The_season_clock_is_a_season_runs_only(string environment, string? topic, bool valid)
    {
        var host = Substitute.For<IHostEnvironment>();
        host.EnvironmentName.Returns(environment);
        var result = new AlertOptionsValidator(host).Validate(null, new AlertOptions { SeasonClockTopic = topic });
        Assert.Equal(valid, result.Succeeded);
        if (!valid) Assert.Contains("Alerts__SeasonClockTopic", result.FailureMessage);
    }
}
