using System.Text.Json;
using System.Text.Json.Serialization;
using FirmwareSim.Devices;

namespace FirmwareSim.Scenarios;

/// <summary>
/// A scenario file (firmware-sim/scenarios/*.json, documented in docs/simulator.md): devices, the
/// happenings of the day, and what the platform must show afterwards.
/// </summary>
public sealed record Scenario
{
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    /// <summary>Simulated start, local time of the venue (e.g. 2026-07-14T10:00:00-04:00).</summary>
    public DateTimeOffset? Start { get; init; }
    public double DurationHours { get; init; } = 10;
    public required List<DeviceSpec> Devices { get; init; }
    public List<Happening> Happenings { get; init; } = [];
    public Expectations Expect { get; init; } = new();

    /// <summary>
    /// The latest start at the scenario's local time of day whose whole run ends before
    /// <paramref name="now"/>: accelerated time then never produces a timestamp in the future.
    /// </summary>
    public DateTimeOffset RecentStart(DateTimeOffset now)
    {
        var template = Start ?? now.AddHours(-DurationHours);
        var candidate = new DateTimeOffset(now.ToOffset(template.Offset).Date + template.TimeOfDay, template.Offset);
        while (candidate + TimeSpan.FromHours(DurationHours) > now) candidate = candidate.AddDays(-1);
        return candidate;
    }

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static Scenario Load(string path)
    {
        try
        {
            var scenario = JsonSerializer.Deserialize<Scenario>(File.ReadAllBytes(path), Options)
                ?? throw new InvalidDataException("empty scenario");
            scenario.Validate();
            return scenario;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private void Validate()
    {
        if (Devices.Count == 0) throw new InvalidDataException($"scenario {Name} has no devices");
        foreach (var d in Devices)
        {
            if (d.Kind is not ("fridge" or "kiosk")) throw new InvalidDataException($"device {d.Id}: kind must be fridge or kiosk");
            _ = Physics.Venue.Named(d.Venue);
        }
        string[] known = ["power_cut", "door_left_open", "wifi_outage", "heat_wave", "restock", "misbehave", "hostile"];
        foreach (var h in Happenings.Where(h => !known.Contains(h.Type)))
            throw new InvalidDataException($"happening type '{h.Type}' is not one of {string.Join(", ", known)}");
    }
}

/// <summary>What the platform must show once the scenario has run (checked by tests/EndToEnd).</summary>
public sealed record Expectations
{
    /// <summary>Alerts raised during the run, as "deviceId/alertType".</summary>
    public List<string> AlertsRaised { get; init; } = [];
    /// <summary>Alerts cleared by the end of the run.</summary>
    public List<string> AlertsCleared { get; init; } = [];
    /// <summary>At least this many dead letters (a misbehaving device).</summary>
    public int MinDeadLetters { get; init; }
    /// <summary>Every kiosk sale in the ledger exactly once.</summary>
    public bool SalesInLedger { get; init; }
}
