namespace FridgeGateway.Alerts;

/// <summary>The alert types the gateway raises and clears (contract: coop/v1/alerts/{deviceId}/{alertType}).</summary>
public enum AlertType { TemperatureHigh = 1, TemperatureLow = 2, DoorOpenTooLong = 3, PowerLost = 4, Offline = 5 }

public static class AlertTypeNames
{
    public static string WireName(this AlertType type) => type switch
    {
        AlertType.TemperatureHigh => "temperature_high",
        AlertType.TemperatureLow => "temperature_low",
        AlertType.DoorOpenTooLong => "door_open_too_long",
        AlertType.PowerLost => "power_lost",
        AlertType.Offline => "offline",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}

/// <summary>An alert raised or cleared: what the gateway publishes retained, writes to InfluxDB and forwards to the inventory API.</summary>
/// <param name="At">When the transition happened, in the device's time (<c>ts</c>).</param>
/// <param name="Since">When the condition began (raised) or ended (cleared).</param>
/// <param name="StartedAt">When the condition began, on both transitions (a clear names the alert it ends).</param>
/// <param name="Peak">The extreme value while raised (the warmest reading of <c>temperature_high</c>, the coldest of <c>temperature_low</c>, the longest door opening); on a clear.</param>
public sealed record AlertTransition(
    string DeviceId, AlertType Type, bool Raised, DateTimeOffset At, DateTimeOffset Since, double? Value, string Detail,
    DateTimeOffset StartedAt = default, double? Peak = null);
