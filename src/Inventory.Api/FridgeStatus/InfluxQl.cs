using System.Globalization;
using FrigoCoop.Telemetry;
using Inventory.Api.Infrastructure;

namespace Inventory.Api.FridgeStatus;

/// <summary>
/// The one way values enter InfluxQL text: InfluxDB 1.x's query API has no bound parameters, so every
/// literal is made here from a value that cannot carry a quote (a device id checked against its pattern,
/// a time formatted from a date), in one time format.
/// </summary>
public static class InfluxQl
{
    /// <summary><c>device = '…'</c> for a device id; anything else is refused before it reaches a query.</summary>
    public static string DeviceIs(string deviceId) =>
        Patterns.DeviceId().IsMatch(deviceId) ? $"device = '{deviceId}'" : throw new ArgumentException($"not a device id: {deviceId}", nameof(deviceId));

    /// <summary>An RFC 3339 time literal, UTC, to the millisecond.</summary>
    public static string Time(DateTimeOffset t) => "'" + t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) + "'";

    /// <summary><c>time &gt;= start AND time &lt; end</c>.</summary>
    public static string During(DateTimeOffset start, DateTimeOffset end) => $"time >= {Time(start)} AND time < {Time(end)}";

    /// <summary>Whole days of the Table's, <paramref name="first"/> to <paramref name="last"/> included.</summary>
    public static string During(TableCalendar calendar, DateOnly first, DateOnly last)
    {
        var (start, end) = calendar.Days(first, last);
        return During(start, end);
    }

    /// <summary>A reading in the band where beer keeps (<see cref="BeerTemperature"/>).</summary>
    public static readonly string InKeepingBand =
        string.Create(CultureInfo.InvariantCulture, $"temp_c >= {BeerTemperature.KeepsFromC} AND temp_c <= {BeerTemperature.KeepsToC}");

    /// <summary>A reading above the temperature that degrades beer.</summary>
    public static readonly string AboveDegrading = string.Create(CultureInfo.InvariantCulture, $"temp_c > {BeerTemperature.DegradesAboveC}");
}
