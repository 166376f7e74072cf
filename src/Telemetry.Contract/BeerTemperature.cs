namespace FrigoCoop.Telemetry;

/// <summary>
/// Where beer keeps, in one place (CONTEXT.md): at 2-4 °C; sustained storage above ~8 °C degrades it.
/// The gateway's default alert threshold, the API's compliance figures and the dashboard's charts all
/// read these.
/// </summary>
public static class BeerTemperature
{
    /// <summary>The band where beer keeps, inclusive.</summary>
    public const double KeepsFromC = 2, KeepsToC = 4;

    /// <summary>Above this, sustained, beer degrades: the temperature_high alert's default threshold.</summary>
    public const double DegradesAboveC = 8;

    /// <summary>Below this, sustained, beer risks freezing: the temperature_low alert's default threshold.</summary>
    public const double FreezingRiskBelowC = -1;
}
