namespace FirmwareSim.Devices;

/// <summary>What a simulated device is: its id and kind, where it stands and what it holds.</summary>
public sealed record DeviceSpec
{
    public required string Id { get; init; }
    /// <summary>fridge or kiosk.</summary>
    public required string Kind { get; init; }
    public string Venue { get; init; } = "store";
    public Dictionary<string, int> Stock { get; init; } = [];
    /// <summary>Shelf price per SKU in cents (kiosks), 900 when not given.</summary>
    public Dictionary<string, long> PricesCents { get; init; } = [];
    public double? Lat { get; init; }
    public double? Lon { get; init; }
    public int ReportingIntervalSeconds { get; init; } = 60;
    public int StockCountIntervalMinutes { get; init; } = 30;

    public string Topic(string message) => message == "status" ? $"coop/v1/devices/{Id}/status" : $"coop/v1/{(Kind == "kiosk" ? "kiosks" : "fridges")}/{Id}/{message}";
}

/// <summary>A fault or happening at a moment of the scenario.</summary>
public sealed record Happening
{
    /// <summary>power_cut, door_left_open, wifi_outage, heat_wave, restock, misbehave, hostile.</summary>
    public required string Type { get; init; }
    /// <summary>A device id, or null for all devices.</summary>
    public string? Device { get; init; }
    /// <summary>Offset from the start of the scenario, as hh:mm.</summary>
    public required TimeSpan At { get; init; }
    public double Minutes { get; init; }
    /// <summary>heat_wave: degrees added to the room; restock: units per SKU added.</summary>
    public double Amount { get; init; }

    public bool Covers(string device, TimeSpan elapsed) =>
        (Device is null || Device == device) && elapsed >= At && elapsed < At + TimeSpan.FromMinutes(Minutes);
}
