using FridgeGateway.Alerts;
using FridgeGateway.Contract;

namespace FridgeGateway.Mqtt;

/// <summary>
/// Several replicas: each device's alert state kept retained on the broker by the holder of the alert session
/// (<see cref="AlertOwnership"/>). A change of an alert's course is saved before its message is
/// acknowledged; a device's times seen alone (its last message, the last input of each alert) only every
/// <c>Alerts__SaveEvery</c>, so a steady fleet does not double the broker's traffic. What the next holder may
/// miss of those times is at most that period: an out-of-order reading that old counted once more, or a
/// silence measured from up to that much earlier.
/// </summary>
public sealed class RetainedAlertState(AlertOwnership ownership) : IAlertStateKeeper
{
    private readonly HashSet<string> _timesOnly = new(StringComparer.Ordinal);

    public SaveAlertState? Copy(AlertEngine engine, bool periodic)
    {
        var tenure = ownership.Tenure;
        var changes = engine.TakeChanges();
        var devices = new List<(string Device, byte[] State)>();
        foreach (var (device, course) in changes)
        {
            if (course || periodic) devices.Add((device, Serialize(engine, device)));
            else _timesOnly.Add(device);
        }
        if (periodic)
        {
            // Only devices the engine still has: a new tenure restored it from the retained states meanwhile.
            foreach (var device in _timesOnly)
                if (!changes.ContainsKey(device) && engine.Devices.ContainsKey(device)) devices.Add((device, Serialize(engine, device)));
            _timesOnly.Clear();
        }
        if (devices.Count == 0 || tenure == 0) return null;
        return ct => ownership.SaveAsync(tenure, devices, ct);
    }

    private static byte[] Serialize(AlertEngine engine, string device) =>
        AlertOwnership.Serialize(engine.Kinds.GetValueOrDefault(device, DeviceKind.Fridge), engine.Devices[device]);
}
