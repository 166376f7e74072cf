namespace FirmwareSim.Physics;

/// <summary>Where a device stands: the room's temperature over the day and its customer traffic.</summary>
public sealed record Venue(string Name, double BaseAmbientC, double DailySwingC, double PeakHour, double CustomersPerHourAtPeak, double OpenHour, double CloseHour)
{
    public static readonly Venue Store = new("store", 21, 1.5, 17, 14, 8, 21);
    public static readonly Venue Bar = new("bar", 22, 2, 21, 20, 15, 26);
    public static readonly Venue FestivalTent = new("festival_tent", 24, 6, 16, 16, 11, 23);

    public static Venue Named(string name) => name switch
    {
        "store" => Store,
        "bar" => Bar,
        "festival_tent" => FestivalTent,
        _ => throw new ArgumentException($"unknown venue '{name}' (store, bar, festival_tent)"),
    };

    /// <summary>Room temperature: a daily wave peaking mid-afternoon, plus any heat wave.</summary>
    public double AmbientC(DateTimeOffset localTime, double extraC = 0)
    {
        var hour = localTime.Hour + localTime.Minute / 60.0;
        return BaseAmbientC + extraC + DailySwingC * Math.Cos((hour - 15.5) / 24 * 2 * Math.PI);
    }

    /// <summary>Expected customers per hour: none when closed, a bell around the peak hour.</summary>
    public double CustomersPerHour(DateTimeOffset localTime)
    {
        var hour = localTime.Hour + localTime.Minute / 60.0;
        var close = CloseHour > 24 && hour < OpenHour ? hour + 24 : hour;
        if (close < OpenHour || close >= CloseHour) return 0;
        var distance = (close - PeakHour) / 3.0;
        return CustomersPerHourAtPeak * Math.Exp(-distance * distance);
    }
}
