using FrigoCoop.Telemetry;

namespace FridgeGateway.Alerts;

/// <summary>
/// Alert thresholds of one kind of device. Defaults follow CONTEXT.md (<see cref="BeerTemperature"/>):
/// beer keeps at 2-4 °C and sustained storage above ~8 °C degrades it.
/// </summary>
public sealed record AlertThresholds
{
    public double HighC { get; init; } = BeerTemperature.DegradesAboveC;
    /// <summary>Hysteresis: a raised temperature_high clears only below this.</summary>
    public double HighClearC { get; init; } = 7;
    public TimeSpan HighFor { get; init; } = TimeSpan.FromMinutes(15);
    public double LowC { get; init; } = BeerTemperature.FreezingRiskBelowC;
    public double LowClearC { get; init; } = 0;
    public TimeSpan LowFor { get; init; } = TimeSpan.FromMinutes(5);
    public TimeSpan DoorOpenFor { get; init; } = TimeSpan.FromMinutes(3);
    public TimeSpan ReportingInterval { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Silence longer than this many reporting intervals raises <c>offline</c>.</summary>
    public double SilenceMultiple { get; init; } = 5;

    public TimeSpan SilenceLimit => ReportingInterval * SilenceMultiple;
}
