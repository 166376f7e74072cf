using Inventory.Api.Dashboard;
using Inventory.Api.FridgeStatus;
using Inventory.Api.Localisation;

namespace Inventory.Api.FunctionalTests;

/// <summary>The fleet page's state of a device, from one source: the alerts raised, else the band beer keeps in (never "normal" outside it).</summary>
public sealed class FleetStatusTests
{
    private static readonly DateTimeOffset Now = new(2026, 7, 20, 15, 0, 0, TimeSpan.Zero);

    private static FridgeStatusView Device(double? tempC, DateTimeOffset? seen, params string[] alerts) =>
        new("kiosk-fest-01", "kiosk", "k1", "Kiosque 1", "Mauricie", 60, tempC is null ? null : new LatestReading(seen ?? Now, tempC, false, false, null, null),
            seen, alerts.Select(a => new ActiveAlert(a, Now.AddMinutes(-20), null)).ToList());

    [Theory]
    [InlineData(3.0, "ok", "normal")]
    [InlineData(2.0, "ok", "normal")]            // the band's ends are in it
    [InlineData(4.0, "ok", "normal")]
    [InlineData(4.9, "warn", "à surveiller : hors de 2-4 °C")] // the kiosk that used to show "normal"
    [InlineData(1.5, "warn", "à surveiller : hors de 2-4 °C")]
    [InlineData(9.5, "warn", "à surveiller : hors de 2-4 °C")] // warm, but no alert raised (yet): watched, not alarmed
    public void A_reading_is_normal_only_inside_the_band_beer_keeps_in(double tempC, string css, string label) =>
        Assert.Equal((css, label), PageWords.In(Language.French, L => FleetModel.Status(Device(tempC, Now.AddSeconds(-30)), Now, L)));

    [Fact]
    public void An_alert_the_gateway_raised_wins_and_a_silent_device_says_so()
    {
        Assert.Equal(("alert", "alerte"), PageWords.In(Language.French, L => FleetModel.Status(Device(3.0, Now.AddSeconds(-30), "power_lost"), Now, L)));
        Assert.Equal(("stale", "silent"), PageWords.In(Language.English, L => FleetModel.Status(Device(3.0, Now.AddMinutes(-6)), Now, L)));
        Assert.Equal(("stale", "silencieux"), PageWords.In(Language.French, L => FleetModel.Status(Device(null, null), Now, L)));
        Assert.Equal(("warn", "watch: outside 2-4 °C"), PageWords.In(Language.English, L => FleetModel.Status(Device(4.9, Now), Now, L)));
    }
}
