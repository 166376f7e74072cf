namespace FirmwareSim.Physics;

/// <summary>
/// The air inside a beverage fridge, minute by minute: heat leaks in from the room through the walls,
/// much faster through an open door, and the compressor pulls it out while it runs. The thermostat
/// switches the compressor inside a hysteresis band (2-4 °C, where beer keeps). Pure and deterministic.
/// </summary>
public sealed class ThermalModel
{
    /// <summary>Minutes for the wall leak to close 63 % of the gap to the room (insulation).</summary>
    public double WallTimeConstantMinutes { get; init; } = 180;
    /// <summary>Minutes for an open door to close 63 % of the gap (cold air falls out).</summary>
    public double DoorTimeConstantMinutes { get; init; } = 6;
    /// <summary>°C per minute the running compressor removes.</summary>
    public double CoolingPerMinute { get; init; } = 0.35;
    public double CutInC { get; init; } = 4.0;
    public double CutOutC { get; init; } = 2.0;
    /// <summary>Watts drawn with the compressor on, and idle (lights, controller).</summary>
    public double CompressorWatts { get; init; } = 150;
    public double IdleWatts { get; init; } = 12;

    public double AirC { get; private set; } = 3.0;
    public bool CompressorOn { get; private set; }

    public void Reset(double airC, bool compressorOn = false) { AirC = airC; CompressorOn = compressorOn; }

    /// <summary>Advances by <paramref name="minutes"/> (small steps: at most one minute is accurate).</summary>
    public void Step(double minutes, double ambientC, bool doorOpen, bool powered)
    {
        if (!powered) CompressorOn = false;
        else if (AirC >= CutInC) CompressorOn = true;
        else if (AirC <= CutOutC) CompressorOn = false;

        var leak = (ambientC - AirC) * (1 - Math.Exp(-minutes / WallTimeConstantMinutes));
        var door = doorOpen ? (ambientC - AirC) * (1 - Math.Exp(-minutes / DoorTimeConstantMinutes)) : 0;
        var cooling = CompressorOn ? CoolingPerMinute * minutes : 0;
        AirC += leak + door - cooling;
    }

    public double PowerW(bool powered) => !powered ? 0 : CompressorOn ? CompressorWatts : IdleWatts;
}
